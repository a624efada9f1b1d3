package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.fs.QuotaLedger;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The quota as a hostile user attacks it with two sessions of one account (issue 12, items 1 and 8): renaming an
 * upload while it is written, planting a link where its name was, deleting it or taking its name, so the refusal
 * at the limit misses the bytes; floods of folders and tiny files that cost far more disk than their bytes; and a
 * long seeded sequence of STOR, APPE, REST, RNFR/RNTO, DELE, MKD and RMD across three sessions, uploads racing the
 * other commands. After each, what stays on disk is within the quota and SITE QUOTA equals a fresh measurement
 * of the home (files at least a block, folders a block, as {@link TestServer#diskUsage} prices them).
 */
class AttackQuotaTest {
    private static final int QUOTA = 10 << 20;
    private static final int MB = 1 << 20;

    @Test
    void renamingAnUploadWhileItIsWrittenKeepsNothingPastTheQuota() throws Exception {
        try (TestServer server = TestServer.start("quota.default=" + QUOTA)) {
            Path home = server.home("alice");
            for (int round = 0; round < 3; round++) {
                String kept = "kept-" + round + ".bin";
                boolean takeTheName = round == 1;
                try (ControlClient a = ControlClient.loggedIn(server.port(), "alice", "secret");
                     ControlClient b = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                    String reply = overrunWhile(a, home.resolve("up.bin"), () -> {
                        assertThat(b.command("RNFR up.bin")).startsWith("350");
                        assertThat(b.command("RNTO " + kept)).startsWith("250");
                        if (takeTheName) {
                            assertThat(b.upload("STOR up.bin", new byte[1000])).startsWith("226");
                        }
                    });
                    assertThat(reply).as("round %d", round).startsWith("552");
                    assertThat(Files.size(home.resolve(kept))).as("the renamed upload is emptied through its handle")
                            .isZero();
                    if (takeTheName) {
                        assertThat(Files.size(home.resolve("up.bin"))).as("the file that took the name stays")
                                .isEqualTo(1000);
                        assertThat(b.command("DELE up.bin")).startsWith("250");
                    }
                    assertBooksStraight(server, a);
                }
            }
            assertThat(server.diskUsage("alice")).isEqualTo(3 * QuotaLedger.BLOCK);
        }
    }

    @Test
    void aLinkPlantedWhereTheUploadsNameWasKeepsNothingPastTheQuota() throws Exception {
        try (TestServer server = TestServer.start("quota.default=" + QUOTA);
             ControlClient a = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            Path home = server.home("alice");
            byte[] victim = new byte[MB];
            new Random(3).nextBytes(victim);
            assertThat(a.upload("STOR victim.bin", victim)).startsWith("226");
            // A local user who can write in the home moves the upload away and leaves a link in its place.
            String reply = overrunWhile(a, home.resolve("up.bin"), () -> {
                try {
                    Files.move(home.resolve("up.bin"), home.resolve("moved.bin"));
                    Files.createSymbolicLink(home.resolve("up.bin"), Path.of("victim.bin"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertThat(reply).startsWith("552");
            assertThat(Files.size(home.resolve("moved.bin"))).isZero();
            assertThat(home.resolve("up.bin")).as("the link is not the upload's file: left alone").isSymbolicLink();
            assertThat(Files.readAllBytes(home.resolve("victim.bin"))).isEqualTo(victim);
            assertBooksStraight(server, a);
        }
    }

    @Test
    void deletingAnUploadWhileItIsWrittenReleasesItsSpaceOnlyWhenTheBytesAreGone() throws Exception {
        try (TestServer server = TestServer.start("quota.default=" + QUOTA);
             ControlClient a = ControlClient.loggedIn(server.port(), "alice", "secret");
             ControlClient b = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            Path home = server.home("alice");
            String reply = overrunWhile(a, home.resolve("up.bin"), () -> {
                assertThat(b.command("DELE up.bin")).startsWith("250");
                // Still open and growing: its bytes take space until the upload lets go of them.
                assertThat(usedOf(b)).isGreaterThanOrEqualTo(4 * MB);
                assertThat(b.upload("STOR up.bin", new byte[2000])).startsWith("226");
            });
            assertThat(reply).startsWith("552");
            assertThat(Files.size(home.resolve("up.bin"))).isEqualTo(2000);
            assertBooksStraight(server, a);
            assertThat(usedOf(a)).isEqualTo(QuotaLedger.BLOCK);
        }
    }

    @Test
    void foldersAndTinyFilesCostABlockAndTheirNumberIsLimited() {
        try (TestServer server = TestServer.start("quota.default=100K", "quota.files=30");
             ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            // 100K is 25 blocks: 25 one-byte files fill it, however few bytes they hold.
            for (int i = 0; i < 25; i++) {
                assertThat(c.upload("STOR tiny-" + i, new byte[1])).as("file %d", i).startsWith("226");
            }
            assertThat(c.upload("STOR tiny-25", new byte[1])).startsWith("552").contains("no room for another file");
            assertThat(c.command("MKD full")).startsWith("550").contains("Exceeded storage allocation");
            assertThat(c.command("SITE QUOTA")).contains("\nused: 102400\nlimit: 102400\nfree: 0\nfiles: 25 of 30\n");
            assertBooksStraight(server, c);

            // With bytes to spare, the file limit stops a flood of folders: 552 would not be MKD's reply (RFC 959).
            server.setQuota("alice", 100L << 20);
            int made = 0;
            for (int i = 0; i < 10; i++) {
                String r = c.command("MKD dir-" + i);
                if (r.startsWith("257")) {
                    made++;
                } else {
                    assertThat(r).startsWith("550 Exceeded storage allocation").contains("files: 30 of 30");
                }
            }
            assertThat(made).isEqualTo(5);
            assertThat(server.fileCount("alice")).isEqualTo(30);
            assertThat(c.upload("STOR tiny-0", new byte[10])).as("an existing file may still be replaced")
                    .startsWith("226");
            assertThat(c.command("RMD dir-0")).startsWith("250");
            assertThat(c.command("MKD again")).startsWith("257");
            assertBooksStraight(server, c);

            // A per-user limit in the accounts file overrides quota.files at once.
            server.accounts().setFiles("alice", OptionalLong.of(40));
            assertThat(c.command("MKD more")).startsWith("257");
            assertThat(c.command("SITE QUOTA")).contains("\nfiles: 31 of 40\n");
        }
    }

    @Test
    void aSeededSequenceOfCommandsAcrossSessionsKeepsTheLedgerEqualToAFreshMeasurement() throws Exception {
        Random random = new Random(12_2026);
        String[] files = {"a.bin", "b.bin", "c.bin", "d/a.bin", "d/e/b.bin"};
        String[] dirs = {"d", "d/e", "f"};
        try (TestServer server = TestServer.start("quota.default=3M", "quota.files=12");
             ControlClient s0 = ControlClient.loggedIn(server.port(), "alice", "secret");
             ControlClient s1 = ControlClient.loggedIn(server.port(), "alice", "secret");
             ControlClient s2 = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            ControlClient[] sessions = {s0, s1, s2};
            Path home = server.home("alice");
            for (int step = 0; step < 300; step++) {
                int who = random.nextInt(3);
                ControlClient c = sessions[who];
                ControlClient other = sessions[(who + 1 + random.nextInt(2)) % 3];
                String file = pick(random, files);
                switch (random.nextInt(9)) {
                    case 0, 1 -> c.upload("STOR " + file, bytes(random, random.nextInt(800_000)));
                    case 2 -> c.upload("APPE " + file, bytes(random, random.nextInt(400_000)));
                    case 3 -> {
                        long size = Files.isRegularFile(home.resolve(file)) ? Files.size(home.resolve(file)) : 0;
                        c.command("REST " + (long) (random.nextDouble() * (size + 1)));
                        c.upload("STOR " + file, bytes(random, random.nextInt(600_000)));
                    }
                    case 4 -> {
                        String[] any = random.nextBoolean() ? files : dirs;
                        c.command("RNFR " + pick(random, any));
                        c.command("RNTO " + pick(random, any));
                    }
                    case 5 -> c.command("DELE " + file);
                    case 6 -> c.command("MKD " + pick(random, dirs));
                    case 7 -> c.command("RMD " + pick(random, dirs));
                    default -> raceAnUpload(random, c, other, file, files);
                }
                assertBooksStraight(server, c);
            }
        }
    }

    /**
     * Session {@code c} uploads {@code file} in two parts; between them {@code other} renames, deletes or replaces
     * it, or uploads to it too. The second part may pass the quota.
     */
    private static void raceAnUpload(Random random, ControlClient c, ControlClient other, String file, String[] files)
            throws IOException {
        try (Socket data = c.openPassive()) {
            c.send((random.nextBoolean() ? "STOR " : "APPE ") + file);
            if (!c.reply().startsWith("150")) {
                return;
            }
            OutputStream out = data.getOutputStream();
            out.write(bytes(random, 100_000 + random.nextInt(600_000)));
            out.flush();
            for (int i = random.nextInt(3); i >= 0; i--) {
                switch (random.nextInt(4)) {
                    case 0 -> {
                        other.command("RNFR " + file);
                        other.command("RNTO " + pick(random, files));
                    }
                    case 1 -> other.command("DELE " + file);
                    case 2 -> other.upload("STOR " + pick(random, files), bytes(random, random.nextInt(300_000)));
                    default -> other.upload("APPE " + file, bytes(random, random.nextInt(100_000)));
                }
            }
            try {
                out.write(bytes(random, random.nextInt(3 * MB)));
                data.shutdownOutput();
            } catch (IOException refusedMidway) {
                // the reply says why
            }
        }
        assertThat(c.reply()).matches("(226|552|426) .*");
    }

    /**
     * Session {@code a} stores {@code up.bin} and sends 6 MiB; once the server has written 4 MiB of it, {@code meddle}
     * runs; then {@code a} sends 40 MiB more, well past the quota. Returns {@code a}'s final reply.
     */
    private static String overrunWhile(ControlClient a, Path upload, Runnable meddle) throws Exception {
        try (Socket data = a.openPassive()) {
            a.send("STOR up.bin");
            a.expect(150);
            OutputStream out = data.getOutputStream();
            out.write(new byte[6 * MB]);
            out.flush();
            TransferCommandsTest.waitForSize(upload, 4 * MB);
            meddle.run();
            try {
                byte[] chunk = new byte[MB];
                for (int i = 0; i < 40; i++) {
                    out.write(chunk);
                }
                data.shutdownOutput();
            } catch (IOException refusedMidway) {
                // only if the server stopped reading early: the reply says why
            }
        }
        return a.reply();
    }

    /** SITE QUOTA agrees with a fresh measurement of the home, and neither limit is passed. */
    private static void assertBooksStraight(TestServer server, ControlClient c) {
        String quota = c.command("SITE QUOTA");
        long used = Long.parseLong(quota.replaceAll("(?s).*\nused: (\\d+)\n.*", "$1"));
        long limit = Long.parseLong(quota.replaceAll("(?s).*\nlimit: (\\d+)\n.*", "$1"));
        long files = Long.parseLong(quota.replaceAll("(?s).*\nfiles: (\\d+).*", "$1"));
        assertThat(used).as("bytes: SITE QUOTA and a fresh measurement").isEqualTo(server.diskUsage("alice"));
        assertThat(files).as("files: SITE QUOTA and a fresh measurement").isEqualTo(server.fileCount("alice"));
        assertThat(used).as("within the quota").isLessThanOrEqualTo(limit);
        if (quota.matches("(?s).*\nfiles: \\d+ of \\d+\n.*")) {
            long fileLimit = Long.parseLong(quota.replaceAll("(?s).*\nfiles: \\d+ of (\\d+)\n.*", "$1"));
            assertThat(files).as("within the file limit").isLessThanOrEqualTo(fileLimit);
        }
    }

    private static long usedOf(ControlClient c) {
        return Long.parseLong(c.command("SITE QUOTA").replaceAll("(?s).*\nused: (\\d+)\n.*", "$1"));
    }

    private static String pick(Random random, String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    private static byte[] bytes(Random random, int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) random.nextInt());
        return b;
    }
}
