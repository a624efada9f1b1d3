package ftp.server;

import ftp.fs.QuotaLedger;
import ftp.testing.Eventually;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Faults the server must survive with its books straight (issue 7): a full disk, transfers cut by resets,
 * {@code kill -9} in the middle of an upload, damaged bookkeeping at start, and many huge HASH requests at
 * once. "Books straight" means SITE QUOTA equals what is on the disk and every file is what the client sent.
 */
class AttackFaultTest {
    private static long usedOf(ControlClient c) {
        String r = c.command("SITE QUOTA");
        return Long.parseLong(r.replaceAll("(?s).*\nused: (\\d+)\n.*", "$1"));
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aFullDiskIs452TheServerKeepsServingAndTheUploadResumesOnceSpaceIsFreed() throws Exception {
        Path mount = Files.createTempDirectory("ftpd-attack-full");
        AttackEvidence.ToolRun mounted = AttackEvidence.run(
                List.of("mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", mount.toString()), null, 10);
        assertThat(mounted.exit()).as("this test needs the right to mount a tmpfs (root, as in CI): "
                + mounted.output()).isZero();
        try (TestServer server = TestServer.start("home.root=" + mount)) {
            byte[] filler = random(3 << 20, 1);
            byte[] whole = random(4 << 20, 2);
            try (ControlClient alice = ControlClient.loggedIn(server.port(), "alice", "secret");
                 ControlClient bob = ControlClient.loggedIn(server.port(), "bob", "secret")) {
                // Another user's file takes most of the disk; alice's upload runs into ENOSPC.
                assertThat(bob.upload("STOR filler.bin", filler)).startsWith("226");
                String reply = alice.upload("STOR big.bin", whole);
                assertThat(reply).startsWith("452");
                long kept = Files.size(mount.resolve("alice/big.bin"));
                assertThat(kept).isLessThanOrEqualTo(2 << 20);
                assertThat(Files.readAllBytes(mount.resolve("alice/big.bin")))
                        .isEqualTo(Arrays.copyOf(whole, (int) kept));
                assertThat(usedOf(alice)).as("quota after ENOSPC").isEqualTo(server.diskUsage("alice"));
                assertThat(alice.command("SITE UPLOADS")).contains(" /big.bin");
                // Everyone goes on: commands, listings, uploads that fit.
                assertThat(bob.command("NOOP")).startsWith("200");
                assertThat(bob.list("NLST")).containsExactly("filler.bin");
                assertThat(alice.command("MKD sub")).startsWith("257");
                assertThat(alice.upload("STOR sub/note.txt", "hi\n".getBytes(StandardCharsets.UTF_8)))
                        .startsWith("226");
                assertThat(usedOf(bob)).isEqualTo(server.diskUsage("bob"));

                assertThat(bob.command("DELE filler.bin")).startsWith("250");
                assertThat(usedOf(bob)).isZero();
                assertThat(alice.command("REST " + kept)).startsWith("350");
                assertThat(alice.upload("STOR big.bin", Arrays.copyOfRange(whole, (int) kept, whole.length)))
                        .startsWith("226");
                assertThat(alice.command("HASH big.bin")).contains(" " + HashCommandsTest.md5(whole) + " ");
                assertThat(Files.readAllBytes(mount.resolve("alice/big.bin"))).isEqualTo(whole);
                // The folder sub and the 3-byte note.txt cost a block each.
                assertThat(usedOf(alice)).isEqualTo(whole.length + 2 * QuotaLedger.BLOCK)
                        .isEqualTo(server.diskUsage("alice"));
                assertThat(alice.command("SITE UPLOADS")).doesNotContain("big.bin");
            }
        } finally {
            AttackEvidence.run(List.of("umount", "-l", mount.toString()), null, 10);
            Files.deleteIfExists(mount);
        }
    }

    @Test
    void twoHundredTransfersCutByResetLeaveFdsThreadsAndQuotaStraight() throws Exception {
        // Pool threads end 1 s after their last task, so a thread the cut transfers leaked is one that stays.
        try (TestServer server = TestServer.start("passive.ports=61400-61499", "clients.max=20",
                "workers.keep_alive=1s")) {
            server.write("alice", "source.bin", random(8 << 20, 3));
            List<ControlClient> sessions = new ArrayList<>();
            ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(4);
            pool.prestartAllCoreThreads(); // the test's own threads belong to the baseline
            try {
                for (int i = 0; i < 4; i++) {
                    sessions.add(ControlClient.loggedIn(server.port(), "alice", "secret"));
                }
                sessions.get(0).list("NLST"); // warm up
                int fdsBefore = AttackEvidence.openFds();
                int threadsBefore = AttackEvidence.liveThreads();
                List<Future<List<String>>> runs = new ArrayList<>();
                for (int s = 0; s < 4; s++) {
                    ControlClient c = sessions.get(s);
                    int session = s;
                    runs.add(pool.submit(() -> cutTransfers(c, session, 50)));
                }
                List<String> replies = new ArrayList<>();
                for (Future<List<String>> f : runs) {
                    replies.addAll(f.get(120, TimeUnit.SECONDS));
                }
                assertThat(replies).hasSize(200);
                assertThat(replies).as("final replies of cut transfers").allMatch(r -> r.matches("(426|226|451) .*"));
                assertThat(replies).filteredOn(r -> r.startsWith("426")).hasSizeGreaterThan(100);
                assertThat(Eventually.holds(() -> AttackEvidence.openFds() <= fdsBefore + 5))
                        .as("fds before %d, after %d", fdsBefore, AttackEvidence.openFds()).isTrue();
                assertThat(Eventually.holds(() -> AttackEvidence.liveThreads() <= threadsBefore + 2))
                        .as("threads before %d, after %s", threadsBefore, AttackEvidence.serverSideThreads()).isTrue();
                assertThat(AttackEvidence.listenersInRange(61400, 61499)).isZero();
                for (ControlClient c : sessions) {
                    assertThat(c.command("NOOP")).startsWith("200");
                }
                assertThat(usedOf(sessions.get(0))).as("quota after 200 cut transfers")
                        .isEqualTo(server.diskUsage("alice"));
            } finally {
                pool.shutdownNow();
                for (ControlClient c : sessions) {
                    c.close();
                }
            }
        }
    }

    /** Alternates uploads and downloads, each cut by an RST mid-way; returns the final replies. */
    private static List<String> cutTransfers(ControlClient c, int session, int count) throws IOException {
        List<String> finals = new ArrayList<>();
        byte[] chunk = random(256 * 1024, session);
        for (int i = 0; i < count; i++) {
            Socket data = c.openPassive();
            try {
                if (i % 2 == 0) {
                    assertThat(c.command("STOR cut-" + session + "-" + (i % 10) + ".bin")).startsWith("150");
                    data.getOutputStream().write(chunk);
                    data.getOutputStream().flush();
                } else {
                    assertThat(c.command("RETR source.bin")).startsWith("150");
                    data.getInputStream().readNBytes(64 * 1024);
                }
            } finally {
                AttackEvidence.reset(data);
            }
            finals.add(c.reply());
        }
        return finals;
    }

    @Test
    void killMinus9DuringA100MbUploadThenRestartAndResumeGivesTheIdenticalFile() throws Exception {
        Path base = Files.createTempDirectory("ftpd-attack-kill");
        try {
            Path conf = AttackEvidence.writeConf(base, "passive.ports=61400-61499", "quota.default=200M");
            Path home = Files.createDirectories(base.resolve("home/alice"));
            Files.write(home.resolve("other.bin"), new byte[12_345]);
            byte[] whole = random(100 << 20, 9);
            Path target = home.resolve("big.bin");

            Process first = AttackEvidence.startServerProcess(base, conf);
            try (ControlClient c = ControlClient.loggedIn(AttackEvidence.portOf(first), "alice", "secret");
                 Socket data = c.openPassive()) {
                c.send("STOR big.bin");
                c.expect(150);
                OutputStream out = data.getOutputStream();
                out.write(whole, 0, 60 << 20);
                out.flush();
                TransferCommandsTest.waitForSize(target, 55 << 20);
                first.destroyForcibly(); // SIGKILL while the upload is in full flow
                assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                first.destroyForcibly();
            }
            long cut = Files.size(target);
            assertThat(cut).isBetween(55L << 20, 60L << 20);
            assertThat(Arrays.equals(Files.readAllBytes(target), Arrays.copyOf(whole, (int) cut)))
                    .as("the kept prefix is exactly what was sent").isTrue();

            Process second = AttackEvidence.startServerProcess(base, conf);
            try (ControlClient c = ControlClient.loggedIn(AttackEvidence.portOf(second), "alice", "secret")) {
                assertThat(c.command("SITE UPLOADS")).contains("/big.bin");
                assertThat(usedOf(c)).isEqualTo(12_345 + cut);
                String size = c.command("SIZE big.bin");
                assertThat(size).isEqualTo("213 " + cut);
                assertThat(c.command("REST " + cut)).startsWith("350");
                assertThat(c.upload("STOR big.bin", Arrays.copyOfRange(whole, (int) cut, whole.length)))
                        .startsWith("226");
                assertThat(c.command("HASH big.bin")).contains(" " + HashCommandsTest.md5(whole) + " ");
                assertThat(usedOf(c)).isEqualTo(12_345 + whole.length);
                assertThat(c.command("SITE UPLOADS")).doesNotContain("big.bin");
            } finally {
                AttackEvidence.stop(second);
            }
            assertThat(HashCommandsTest.md5(Files.readAllBytes(target))).isEqualTo(HashCommandsTest.md5(whole));
        } finally {
            AttackEvidence.deleteTree(base);
        }
    }

    @Test
    void damagedBookkeepingAtStartIsIgnoredAndTheUsageRecomputedFromTheDisk() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.write("alice", "a.bin", new byte[1000]);
            server.write("alice", "dir/b.bin", new byte[2345]);
            Path upload = Files.createDirectories(server.home("alice").resolve(".upload"));
            Files.write(upload.resolve("garbage.properties"), random(5000, 4));
            Files.writeString(upload.resolve("huge.properties"), "path=/a.bin\nbytes=99999999999\nexpected=-5\n");
            Files.writeString(upload.resolve("truncated.properties"), "path=/dir/b.b");
            Files.writeString(upload.resolve("escape.properties"), "path=/../../../etc/passwd\nbytes=10\n");
            Files.write(upload.resolve("big.properties"), new byte[20_000]);
            Files.createDirectories(upload.resolve("dir.properties"));
            Files.createSymbolicLink(upload.resolve("link.properties"), Path.of("/etc/passwd"));
            Files.writeString(upload.resolve(".tmp-123"), "half");
            try (RandomAccessFile f = new RandomAccessFile(upload.resolve("sparse.bin").toFile(), "rw")) {
                f.setLength(1L << 30); // bookkeeping never counts, however big
            }
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                // a.bin (1000 bytes), dir and dir/b.bin (2345) cost a block each.
                assertThat(usedOf(c)).as("usage measured at start").isEqualTo(3 * QuotaLedger.BLOCK)
                        .isEqualTo(server.diskUsage("alice"));
                String uploads = c.command("SITE UPLOADS");
                assertThat(uploads).matches("(?s)(211|451)[ -].*").doesNotContain("passwd", "root:");
                assertThat(c.upload("STOR c.bin", new byte[500])).startsWith("226");
                assertThat(usedOf(c)).isEqualTo(4 * QuotaLedger.BLOCK).isEqualTo(server.diskUsage("alice"));
                assertThat(c.command("DELE a.bin")).startsWith("250");
                assertThat(usedOf(c)).isEqualTo(3 * QuotaLedger.BLOCK);
                assertThat(c.command("NOOP")).startsWith("200");
            }
            assertThat(Files.readString(Path.of("/etc/passwd"))).contains("root:");
        }
    }

    @Test
    void manyHugeHashRequestsAtOnceAreBoundedWhileOtherCommandsStayFast() throws Exception {
        int hashers = 6;
        try (TestServer server = TestServer.start("quota.default=none", "clients.max=" + (hashers + 4))) {
            Path home = Files.createDirectories(server.home("alice"));
            for (int i = 0; i < hashers; i++) {
                try (RandomAccessFile f = new RandomAccessFile(home.resolve("huge" + i + ".bin").toFile(), "rw")) {
                    f.setLength(384L << 20);
                }
            }
            List<ControlClient> clients = new ArrayList<>();
            try (ControlClient other = ControlClient.loggedIn(server.port(), "bob", "secret")) {
                for (int i = 0; i < hashers; i++) {
                    clients.add(ControlClient.loggedIn(server.port(), "alice", "secret"));
                }
                for (int i = 0; i < hashers; i++) {
                    clients.get(i).send("HASH huge" + i + ".bin");
                }
                long[] noop = new long[10];
                long[] cwd = new long[10];
                for (int i = 0; i < noop.length; i++) {
                    long t = System.nanoTime();
                    assertThat(other.command("NOOP")).startsWith("200");
                    noop[i] = (System.nanoTime() - t) / 1_000_000;
                    t = System.nanoTime();
                    assertThat(other.command("CWD /")).startsWith("250");
                    cwd[i] = (System.nanoTime() - t) / 1_000_000;
                    Thread.sleep(50);
                }
                List<String> replies = new ArrayList<>();
                for (ControlClient c : clients) {
                    replies.add(c.reply());
                }
                assertThat(replies).allMatch(r -> r.startsWith("213 MD5 ") || r.startsWith("450"));
                assertThat(replies).as("refused because too many digests ran").anyMatch(r -> r.startsWith("450"));
                assertThat(replies).anyMatch(r -> r.startsWith("213"));
                // Loose bounds for a busy machine: digests on the loop would hold a NOOP for all six files,
                // seconds. Digests that could take every worker are ruled out by the 450s above.
                assertThat(Arrays.stream(noop).max().getAsLong()).as("NOOP ms %s", Arrays.toString(noop))
                        .isLessThan(3000);
                assertThat(Arrays.stream(cwd).max().getAsLong()).as("CWD ms %s", Arrays.toString(cwd))
                        .isLessThan(3000);
            } finally {
                for (ControlClient c : clients) {
                    c.close();
                }
            }
        }
    }
}
