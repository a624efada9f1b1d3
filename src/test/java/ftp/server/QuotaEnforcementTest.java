package ftp.server;

import ftp.fs.QuotaLedger;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-user quotas on a real server: ALLO refused at once, an upload past the limit refused with the file
 * put back as it was (new, appended, resumed), AVBL and SITE QUOTA, a limit changed in the accounts file
 * while logged in, and two sessions of one user racing for the last space. After each case the usage the
 * server reports equals the real sum of file sizes.
 */
class QuotaEnforcementTest {
    private static final int LIMIT = 1_000_000;

    @Test
    void alloAvblAndSiteQuota() {
        try (TestServer server = TestServer.start("quota.default=1000000");
             ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            assertThat(c.command("AVBL")).isEqualTo("213 1000000");
            assertThat(c.upload("STOR a.bin", new byte[300_000])).startsWith("226");
            assertThat(c.command("AVBL")).isEqualTo("213 700000");
            assertThat(c.command("AVBL /")).isEqualTo("213 700000");
            assertThat(c.command("SITE QUOTA")).startsWith("211-")
                    .contains("\nused: 300000\nlimit: 1000000\nfree: 700000\nfiles: 1 of 100000\n").endsWith("211 End");
            assertThat(c.command("ALLO 700001")).startsWith("552");
            assertThat(c.command("ALLO 700000")).startsWith("200");
            server.accounts().setQuota("alice", OptionalLong.empty());
            assertThat(c.command("SITE QUOTA")).contains("\nlimit: none\nfree: none\n");
        }
    }

    @Test
    void anUploadPastTheLimitLeavesEveryFileAsItWas() throws IOException {
        byte[] big = new byte[LIMIT + 1];
        new Random(1).nextBytes(big);
        try (TestServer server = TestServer.start("quota.default=" + LIMIT);
             ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            Path home = server.home("alice");
            // A new file is removed.
            assertThat(c.upload("STOR new.bin", big)).startsWith("552");
            assertThat(home.resolve("new.bin")).doesNotExist();
            assertThat(usedOf(c)).isZero();

            // An appended file goes back to its old length and bytes.
            byte[] old = Arrays.copyOf(big, 400_000);
            assertThat(c.upload("STOR old.bin", old)).startsWith("226");
            assertThat(c.upload("APPE old.bin", Arrays.copyOf(big, 700_000))).startsWith("552");
            assertThat(Files.readAllBytes(home.resolve("old.bin"))).isEqualTo(old);
            assertThat(c.command("SITE UPLOADS")).doesNotContain("old.bin");

            // A resumed one goes back to where it started, still listed as unfinished.
            assertThat(c.command("ALLO 500000")).startsWith("200");
            assertThat(c.upload("STOR part.bin", Arrays.copyOf(big, 200_000))).startsWith("426");
            assertThat(c.command("REST 200000")).startsWith("350");
            assertThat(c.upload("STOR part.bin", Arrays.copyOfRange(big, 200_000, big.length))).startsWith("552");
            assertThat(Files.readAllBytes(home.resolve("part.bin"))).isEqualTo(Arrays.copyOf(big, 200_000));
            assertThat(c.command("SITE UPLOADS")).contains("\n 200000 500000 /part.bin\n");

            // ALLO that cannot fit: 552 before any byte; ALLO that fits reserves it all at the start.
            assertThat(c.command("ALLO " + LIMIT)).startsWith("552");
            assertThat(usedOf(c)).isEqualTo(600_000).isEqualTo(server.diskUsage("alice"));
            assertThat(c.upload("STOR fits.bin", new byte[400_000])).startsWith("226");
            assertThat(c.upload("STOR over.bin", new byte[1])).startsWith("552");
            assertThat(usedOf(c)).isEqualTo(LIMIT).isEqualTo(server.diskUsage("alice"));
            assertThat(c.command("DELE fits.bin")).startsWith("250");
            assertThat(usedOf(c)).isEqualTo(600_000).isEqualTo(server.diskUsage("alice"));
        }
    }

    @Test
    void aLimitChangedInTheAccountsFileAppliesToALoggedInSession() {
        try (TestServer server = TestServer.start("quota.default=none");
             ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            assertThat(c.upload("STOR one.bin", new byte[5000])).startsWith("226");
            server.setQuota("alice", 6000);
            assertThat(c.command("ALLO 2000")).startsWith("552");
            assertThat(c.upload("STOR two.bin", new byte[2000])).startsWith("552");
            assertThat(c.command("SITE QUOTA")).contains("\nlimit: 6000\nfree: 1000\n");
            server.setQuota("alice", 100_000);
            assertThat(c.upload("STOR two.bin", new byte[2000])).startsWith("226");
            // two.bin's 2000 bytes cost a whole block, as every small file does.
            assertThat(c.command("AVBL")).isEqualTo("213 " + (100_000 - 5000 - QuotaLedger.BLOCK));
        }
    }

    @Test
    void twoSessionsRacingForTheLastSpaceCannotBothWin() throws Exception {
        try (TestServer server = TestServer.start("quota.default=" + (10 << 20))) {
            // Without ALLO: space is reserved slice by slice as the bytes come. Evenly interleaved slices can
            // leave both short of the end, so both may be refused; what never happens is both finishing.
            List<String> replies = race(server, 6 << 20, false);
            long finished = replies.stream().filter(r -> r.startsWith("226")).count();
            assertThat(finished).isLessThanOrEqualTo(1);
            assertThat(replies).filteredOn(r -> r.startsWith("552")).hasSize(2 - (int) finished);
            assertConsistent(server, finished * (6 << 20));

            // With ALLO: both see the space free, but the first STOR takes it all; the second is refused at once.
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                c.command("DELE r0.bin");
                c.command("DELE r1.bin");
            }
            assertConsistent(server, 0);
            replies = race(server, 6 << 20, true);
            assertThat(replies).filteredOn(r -> r.startsWith("226")).hasSize(1);
            assertThat(replies).filteredOn(r -> r.startsWith("552")).hasSize(1);
            assertConsistent(server, 6 << 20);
        }
    }

    private static void assertConsistent(TestServer server, long expectedUse) {
        try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            long used = usedOf(c);
            assertThat(used).isEqualTo(server.diskUsage("alice")).isEqualTo(expectedUse).isLessThanOrEqualTo(10 << 20);
        }
    }

    /** Two sessions upload {@code size} bytes each at the same time, in interleaved slices; their final replies. */
    private static List<String> race(TestServer server, int size, boolean allo) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch ready = new CountDownLatch(2);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String name = "r" + i + ".bin";
                results.add(pool.submit(() -> {
                    try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret");
                         Socket data = c.openPassive()) {
                        return upload(c, data, name, size, allo, ready);
                    }
                }));
            }
            List<String> replies = new ArrayList<>();
            for (Future<String> f : results) {
                replies.add(f.get(30, TimeUnit.SECONDS));
            }
            return replies;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String upload(ControlClient c, Socket data, String name, int size, boolean allo,
                                 CountDownLatch ready) throws Exception {
        if (allo) {
            assertThat(c.command("ALLO " + size)).startsWith("200"); // both see the space free
        }
        ready.countDown();
        ready.await(10, TimeUnit.SECONDS);
        c.send("STOR " + name);
        String first = c.reply();
        if (!first.startsWith("150")) {
            return first;
        }
        byte[] slice = new byte[64 * 1024];
        try {
            OutputStream out = data.getOutputStream();
            for (int sent = 0; sent < size; sent += slice.length) {
                out.write(slice, 0, Math.min(slice.length, size - sent));
                Thread.sleep(1); // keep the two uploads interleaved
            }
            data.shutdownOutput();
        } catch (IOException refusedMidway) {
            // the server stopped reading: the reply says why
        }
        data.close();
        return c.reply();
    }

    private static long usedOf(ControlClient c) {
        String r = c.command("SITE QUOTA");
        return Long.parseLong(r.replaceAll("(?s).*\nused: (\\d+)\n.*", "$1"));
    }
}
