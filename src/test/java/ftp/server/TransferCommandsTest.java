package ftp.server;

import ftp.testing.Eventually;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Downloads and uploads over raw sockets against a real server: binary round trips, REST, TYPE A line ends
 * in both directions, STOR/APPE/STOU/REST+STOR, ALLO, SIZE/MDTM/MFMT, unfinished uploads and SITE UPLOADS,
 * ABOR, STAT and QUIT during a transfer, and the xferlog lines.
 */
class TransferCommandsTest {
    private static TestServer server;
    private static byte[] random;

    @BeforeAll
    static void start() {
        server = TestServer.start("quota.default=none");
        random = new byte[3_000_000];
        new Random(42).nextBytes(random);
        server.write("alice", "random.bin", random);
        server.write("alice", "huge.bin", new byte[64 << 20]);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ControlClient alice() {
        return ControlClient.loggedIn(server.port(), "alice", "secret");
    }

    @Test
    void binaryRoundTripAndRestRetr() throws IOException {
        try (ControlClient c = alice()) {
            assertThat(c.command("TYPE I")).startsWith("200");
            assertThat(c.upload("STOR copy.bin", random)).startsWith("226");
            assertThat(Files.readAllBytes(server.home("alice").resolve("copy.bin"))).isEqualTo(random);
            assertThat(c.fetch("RETR copy.bin")).isEqualTo(random);
            assertThat(c.command("SIZE copy.bin")).isEqualTo("213 " + random.length);

            assertThat(c.command("REST 1000000")).startsWith("350");
            assertThat(c.fetch("RETR copy.bin")).isEqualTo(Arrays.copyOfRange(random, 1_000_000, random.length));
            assertThat(c.command("REST " + (random.length + 1))).startsWith("350");
            Socket data = c.openPassive(); // a passive transfer command runs once its client connected
            assertThat(c.command("RETR copy.bin")).startsWith("554");
            data.close();
            assertThat(c.command("REST -1")).startsWith("501");
        }
    }

    @Test
    void asciiModeConvertsLineEndsBothWays() throws IOException {
        StringBuilder unix = new StringBuilder();
        for (int i = 0; unix.length() < 700_000; i++) {
            unix.append("line ").append(i).append(i % 7 == 0 ? " with a lone \r inside" : "").append('\n');
        }
        byte[] local = unix.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] wire = unix.toString().replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
        try (ControlClient c = alice()) {
            assertThat(c.command("TYPE A")).startsWith("200");
            assertThat(c.upload("STOR text.txt", wire)).startsWith("226");
            Path stored = server.home("alice").resolve("text.txt");
            assertThat(Files.readAllBytes(stored)).isEqualTo(local); // CRLF (split across reads too) became LF
            assertThat(c.fetch("RETR text.txt")).isEqualTo(wire);

            assertThat(c.command("TYPE I")).startsWith("200");
            assertThat(c.fetch("RETR text.txt")).isEqualTo(local);
        }
    }

    @Test
    void storReplacesAppeAppendsStouPicksAFreshName() throws IOException {
        try (ControlClient c = alice()) {
            byte[] one = "first part|".getBytes(StandardCharsets.US_ASCII);
            byte[] two = "second part".getBytes(StandardCharsets.US_ASCII);
            assertThat(c.upload("STOR parts.txt", two)).startsWith("226");
            assertThat(c.upload("STOR parts.txt", one)).startsWith("226");
            assertThat(c.upload("APPE parts.txt", two)).startsWith("226");
            assertThat(Files.readString(server.home("alice").resolve("parts.txt"))).isEqualTo("first part|second part");
            assertThat(c.upload("APPE fresh.txt", one)).startsWith("226");
            assertThat(Files.readAllBytes(server.home("alice").resolve("fresh.txt"))).isEqualTo(one);

            try (Socket data = c.openPassive()) {
                c.send("STOU parts.txt");
                String preliminary = c.reply();
                assertThat(preliminary).startsWith("150 FILE: parts.txt.");
                String name = preliminary.substring("150 FILE: ".length()).trim();
                data.getOutputStream().write(two);
                data.shutdownOutput();
                assertThat(c.reply()).startsWith("226");
                assertThat(Files.readAllBytes(server.home("alice").resolve(name))).isEqualTo(two);
            }
            assertThat(Files.readString(server.home("alice").resolve("parts.txt"))).isEqualTo("first part|second part");
        }
    }

    @Test
    void sizeMdtmMfmt() {
        try (ControlClient c = alice()) {
            assertThat(c.upload("STOR stamped.bin", new byte[1234])).startsWith("226");
            assertThat(c.command("SIZE stamped.bin")).isEqualTo("213 1234");
            assertThat(c.command("MFMT 20200102030405 stamped.bin")).startsWith("213");
            assertThat(c.command("MDTM stamped.bin")).isEqualTo("213 20200102030405");
            assertThat(c.command("MFMT 20280229235959 stamped.bin")).startsWith("213");
            assertThat(c.command("MFMT 20270229000000 stamped.bin")).as("2027 has no Feb 29").startsWith("501");
            assertThat(c.command("MFMT 20261231240000 stamped.bin")).as("no 24:00").startsWith("501");
            assertThat(c.command("MDTM stamped.bin")).isEqualTo("213 20280229235959");
            assertThat(c.command("SIZE nothing-here")).startsWith("550");
        }
    }

    @Test
    void anInterruptedUploadIsKeptListedAndResumable() throws IOException {
        byte[] whole = Arrays.copyOf(random, 2_000_000);
        try (ControlClient c = alice()) {
            // Fewer bytes than ALLO announced: kept, recorded with the expected size.
            assertThat(c.command("ALLO 2000000")).startsWith("200");
            assertThat(c.upload("STOR partial.bin", Arrays.copyOf(whole, 700_000))).startsWith("426");
            assertThat(Files.size(server.home("alice").resolve("partial.bin"))).isEqualTo(700_000);
            String uploads = c.command("SITE UPLOADS");
            assertThat(uploads).startsWith("211-").endsWith("211 End").contains("\n 700000 2000000 /partial.bin\n");
            assertThat(c.list("LIST")).noneMatch(l -> l.contains(".upload"));
            assertThat(c.command("CWD /.upload")).startsWith("550");

            // REST + STOR continues it, and the record goes away.
            assertThat(c.command("SIZE partial.bin")).isEqualTo("213 700000");
            assertThat(c.command("REST 700000")).startsWith("350");
            assertThat(c.upload("STOR partial.bin", Arrays.copyOfRange(whole, 700_000, 1_500_000))).startsWith("226");
            assertThat(c.command("SITE UPLOADS")).doesNotContain("partial.bin");

            // ABOR mid-upload: 426 then 226; the bytes so far are kept and listed ('?': no size announced).
            try (Socket data = c.openPassive()) {
                c.send("APPE partial.bin");
                c.expect(150);
                data.getOutputStream().write(Arrays.copyOfRange(whole, 1_500_000, 1_600_000));
                data.getOutputStream().flush();
                waitForSize(server.home("alice").resolve("partial.bin"), 1_600_000);
                c.send("ABOR");
                assertThat(c.reply()).startsWith("426");
                assertThat(c.reply()).startsWith("226");
            }
            assertThat(c.command("NOOP")).startsWith("200");
            assertThat(c.command("SITE UPLOADS")).contains("\n 1600000 ? /partial.bin\n");

            // APPE finishes it.
            assertThat(c.upload("APPE partial.bin", Arrays.copyOfRange(whole, 1_600_000, whole.length))).startsWith("226");
            assertThat(Files.readAllBytes(server.home("alice").resolve("partial.bin"))).isEqualTo(whole);
            assertThat(c.command("SITE UPLOADS")).isEqualTo("211-Unfinished uploads (bytes, expected, path):\n211 End");
            assertThat(c.command("REST 5000000")).startsWith("350");
            assertThat(c.upload("STOR partial.bin", new byte[10])).startsWith("554"); // no sparse files
            assertThat(Files.size(server.home("alice").resolve("partial.bin"))).isEqualTo(whole.length);
        }
    }

    @Test
    void anUploadThatEndsWithinItsFirstChunkLeavesTheUploadRecordsAlone() throws IOException {
        Path records = server.home("alice").resolve(".upload");
        byte[] small = Arrays.copyOf(random, 10_000);
        try (ControlClient c = alice()) {
            c.upload("STOR warm.bin", small);  // the records folder exists from the first upload on
            assertThat(c.command("DELE warm.bin")).startsWith("250");
            var before = Files.getLastModifiedTime(records);
            assertThat(c.upload("STOR small.bin", small)).startsWith("226");
            assertThat(c.command("HASH small.bin")).contains(" " + HashCommandsTest.md5(small) + " ");
            assertThat(c.command("DELE small.bin")).startsWith("250");
            assertThat(Files.getLastModifiedTime(records)).as("no record written, renamed or removed").isEqualTo(before);
        }
    }

    @Test
    void sessionsOfOneUserAgreeOnWhichUploadsAreUnfinished() throws IOException {
        byte[] whole = Arrays.copyOf(random, 50_000);
        try (ControlClient first = alice(); ControlClient second = alice()) {
            // The second session has looked at the records before the first one leaves an upload unfinished.
            assertThat(second.command("SITE UPLOADS")).doesNotContain("shared.bin");
            assertThat(first.command("ALLO 50000")).startsWith("200");
            assertThat(first.upload("STOR shared.bin", Arrays.copyOf(whole, 20_000))).startsWith("426");
            assertThat(first.command("SITE UPLOADS")).contains(" /shared.bin");

            // Uploaded again whole by the second session: the record must go, though that session never wrote it.
            assertThat(second.upload("STOR shared.bin", whole)).startsWith("226");
            assertThat(first.command("SITE UPLOADS")).doesNotContain("shared.bin");
            assertThat(Files.readAllBytes(server.home("alice").resolve("shared.bin"))).isEqualTo(whole);
        }
    }

    @Test
    void aborMidDownloadAnswers426Then226AndTheSessionGoesOn() throws IOException {
        try (ControlClient c = alice(); Socket data = c.openPassive()) {
            c.send("RETR huge.bin");
            c.expect(150);
            readSome(data.getInputStream(), 1 << 20);
            c.send("ABOR");
            assertThat(c.reply()).startsWith("426");
            assertThat(c.reply()).startsWith("226");
            assertThat(c.command("NOOP")).startsWith("200");
            assertThat(c.fetch("RETR random.bin")).isEqualTo(random);
        }
    }

    @Test
    void statShowsProgressAndQuitWaitsForTheTransfer() throws IOException {
        try (ControlClient c = alice(); Socket data = c.openPassive()) {
            c.send("RETR huge.bin");
            c.expect(150);
            InputStream in = data.getInputStream();
            long got = readSome(in, 8 << 20);
            c.send("STAT");
            String stat = c.reply();
            assertThat(stat).startsWith("213").contains("RETR huge.bin").contains("of " + (64 << 20));
            long reported = Long.parseLong(stat.replaceAll(".*: (\\d+) of .*", "$1"));
            assertThat(reported).isPositive();
            c.send("QUIT");
            got += in.readAllBytes().length;
            assertThat(got).isEqualTo(64 << 20);
            assertThat(c.reply()).startsWith("226");
            assertThat(c.reply()).startsWith("221");
            assertThat(c.reply()).isNull();
        }
    }

    @Test
    void everyTransferIsOneXferlogLine() throws IOException {
        try (ControlClient c = alice()) {
            assertThat(c.upload("STOR logged.bin", new byte[777])).startsWith("226");
            assertThat(c.fetch("RETR logged.bin")).hasSize(777);
            try (Socket data = c.openPassive()) {
                c.send("RETR huge.bin");
                c.expect(150);
                readSome(data.getInputStream(), 1 << 20);
                c.send("ABOR");
                c.expect(426);
                c.expect(226);
            }
        }
        List<String> lines = server.xferlog();
        String pattern = "\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} \\d+ 127\\.0\\.0\\.1 ";
        String node = " " + java.util.regex.Pattern.quote(server.server().settings().nodeName());
        assertThat(lines).anyMatch(l -> l.matches(pattern + "777 /logged\\.bin b _ i r alice ftp 0 \\* c" + node));
        assertThat(lines).anyMatch(l -> l.matches(pattern + "777 /logged\\.bin b _ o r alice ftp 0 \\* c" + node));
        assertThat(lines).anyMatch(l -> l.matches(pattern + "\\d+ /huge\\.bin b _ o r alice ftp 0 \\* i" + node));
    }

    private static long readSome(InputStream in, int atLeast) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long got = 0;
        while (got < atLeast) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            got += n;
        }
        return got;
    }

    /** Waits until {@code file} holds at least {@code size} bytes: how far a transfer got on the disk. */
    static void waitForSize(Path file, long size) {
        try {
            assertThat(Eventually.holds(Duration.ofSeconds(60), () -> sizeOf(file) >= size))
                    .as("%s grew to %d bytes (it has %d)", file, size, sizeOf(file)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The size of {@code file}, 0 while it does not exist. */
    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
