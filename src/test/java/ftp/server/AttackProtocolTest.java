package ftp.server;

import ftp.testing.Eventually;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Protocol abuse of the control connection (issue 7): what works before login, endless and smuggled lines,
 * bare CRs, reply injection, Telnet and UTF-8 garbage, ABOR sent as urgent data the way ftplib does, modes we
 * do not support, and restart offsets meant to make sparse files or break the quota.
 */
class AttackProtocolTest {
    private static final int PASSIVE_FIRST = 61000;
    private static final int PASSIVE_LAST = 61019;

    @Test
    void onlyTheLoginVerbsWorkBeforeLoginAndNoListenerOpens() throws Exception {
        Set<String> open = Set.of("USER", "PASS", "QUIT", "FEAT", "OPTS", "AUTH", "PBSZ", "PROT", "HELP", "NOOP",
                "SYST");
        try (TestServer server = TestServer.start("passive.ports=" + PASSIVE_FIRST + "-" + PASSIVE_LAST)) {
            Set<String> openInTable = new TreeSet<>();
            new CommandTable().all().values().forEach(spec -> {
                if (!spec.needsLogin()) {
                    openInTable.add(spec.verb());
                }
            });
            assertThat(openInTable).as("verbs the command table lets run before login").isEqualTo(new TreeSet<>(open));
            try (ControlClient c = new ControlClient(server.port())) {
                c.expect(220);
                for (int round = 0; round < 2; round++) {
                    for (String verb : new CommandTable().all().keySet()) {
                        if (open.contains(verb)) {
                            continue;
                        }
                        for (String arg : List.of("", " x", " 127,0,0,1,200,1", " |1|127.0.0.1|51234|", " /")) {
                            assertThat(c.command(verb + arg)).as(verb + arg + " before login").startsWith("530");
                        }
                    }
                    assertThat(AttackEvidence.listenersInRange(PASSIVE_FIRST, PASSIVE_LAST))
                            .as("no passive listener before login").isZero();
                    // Between USER and PASS nothing changes.
                    assertThat(c.command("USER alice")).startsWith("331");
                }
                assertThat(c.command("NOOP")).startsWith("200");
                assertThat(c.command("SYST")).startsWith("215");
                assertThat(c.command("FEAT")).startsWith("211");
                assertThat(c.command("HELP")).startsWith("214");
                assertThat(c.command("OPTS UTF8 ON")).startsWith("200");
                assertThat(c.command("AUTH TLS")).startsWith("534"); // TLS is off here: refused, but not 530
                assertThat(c.command("PBSZ 0")).startsWith("503");
                assertThat(c.command("PROT P")).startsWith("503");
            }
            assertThat(server.home("alice").resolve("x")).doesNotExist();
        }
    }

    @Test
    void mebibyteLinesWithoutNewlineAre500AndClosedWithMemoryFlat() throws Exception {
        int attackers = 48;
        try (TestServer server = TestServer.start("clients.max=" + (attackers + 2));
             ControlClient other = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            long heapBefore = AttackEvidence.heapUsed();
            long rssBefore = rss();
            List<SocketChannel> open = new ArrayList<>();
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'A');
            try {
                for (int i = 0; i < attackers; i++) {
                    SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
                    open.add(ch);
                    try {
                        for (int sent = 0; sent < (1 << 20); sent += chunk.length) {
                            ch.write(ByteBuffer.wrap(chunk));
                        }
                    } catch (IOException expected) {
                        // the server stopped reading and closed long before a mebibyte
                    }
                }
                // Every attacker has been answered and closed: the server has read all it will read.
                assertThat(Eventually.holds(() -> server.server().activeSessions() == 1))
                        .as("sessions left: %d", server.server().activeSessions()).isTrue();
                long heapGrowth = AttackEvidence.heapUsed() - heapBefore;
                long rssGrowth = rss() - rssBefore;
                assertThat(heapGrowth).as("heap held for %d unfinished 1 MiB lines", attackers)
                        .isLessThan(16L << 20);
                assertThat(rssGrowth).as("resident memory").isLessThan(128L << 20);
                for (SocketChannel ch : open) {
                    ch.socket().setSoTimeout(5000);
                    String all = readAll(ch.socket().getInputStream());
                    assertThat(all).as("what an attacker got").matches("(?s)220 [^\r\n]*\r\n500 [^\r\n]*\r\n");
                }
            } finally {
                for (SocketChannel ch : open) {
                    ch.close();
                }
            }
            assertThat(other.command("NOOP")).startsWith("200");
        }
    }

    private static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new AssertionError("no VmRSS in /proc/self/status");
    }

    /** Everything until the server closes (a reset after the last reply counts as the end). */
    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // the server closed with our unread bytes pending: a reset, after its replies
        } catch (java.net.SocketTimeoutException stillOpen) {
            got.write("(still open)".getBytes(StandardCharsets.US_ASCII));
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    @Test
    void cve20084242SmuggledCommandAfterALongLineNeverRuns() throws Exception {
        try (TestServer server = TestServer.start()) {
            Path pwned = server.home("alice").resolve("pwned");
            for (int filler : new int[] {3000, 4091, 4096, 8178, 8179, 8192, 16384, 65536}) {
                try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                    c.raw(("NOOP " + "A".repeat(filler)).getBytes(StandardCharsets.US_ASCII));
                    Thread.sleep(150); // likely a read of its own; read together, the outcome must be the same
                    try {
                        c.raw("MKD pwned\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (RuntimeException closedAlready) {
                        // an over-long line is cut and the connection closed before this arrives
                    }
                    String r = c.reply();
                    if ("NOOP ".length() + filler + "MKD pwned".length() <= 8192) { // limits.line_length
                        assertThat(r).as("filler %d: one line, one reply", filler).startsWith("200");
                        assertThat(c.command("PWD")).as("filler %d", filler).startsWith("257 \"/\"");
                    } else {
                        assertThat(r).as("filler %d", filler).startsWith("500");
                    }
                }
                assertThat(pwned).as("filler %d", filler).doesNotExist();
            }
            // Same with the line split at every size across two writes.
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                byte[] line = ("NOOP " + "B".repeat(3000) + "MKD pwned\r\n").getBytes(StandardCharsets.US_ASCII);
                for (int cut : new int[] {1, 5, 1024, 2048, 3004, 3005, 3006, line.length - 2, line.length - 1}) {
                    c.raw(Arrays.copyOfRange(line, 0, cut));
                    Thread.sleep(20); // likely two reads, as above
                    c.raw(Arrays.copyOfRange(line, cut, line.length));
                    assertThat(c.reply()).as("cut at %d", cut).startsWith("200");
                }
                assertThat(c.command("PWD")).startsWith("257");
            }
            assertThat(pwned).doesNotExist();
        }
    }

    @Test
    void aBareCrNeverSplitsALineAndRepliesNeverCarryOne() throws Exception {
        try (TestServer server = TestServer.start()) {
            Path home = Files.createDirectories(server.home("alice"));
            // Names that no command can address; listings must skip rather than send them.
            Files.writeString(home.resolve("evil\r\n226 fake"), "x");
            Files.writeString(home.resolve("evil\rname"), "x");
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                byte[] attack = String.join("\r\n",
                        "NOOP\rMKD crsplit",
                        "MKD a\rMKD b",
                        "XYZZY\r200 fake",
                        "HELP NOOP\r\n214 fake",
                        "SITE X\r230 fake",
                        "OPTS X\r200 fake",
                        "TYPE X\r200 fake",
                        "STAT x\r550 fake",
                        "MODE Z\r200 fake",
                        "CWD nowhere\r250 fake",
                        "STAT",
                        "QUIT",
                        "").getBytes(StandardCharsets.UTF_8);
                c.raw(attack);
                byte[] wire = c.socket().getInputStream().readAllBytes();
                String text = new String(wire, StandardCharsets.UTF_8);
                assertThat(text.replace("\r\n", "")).as("no bare CR or LF in any reply").doesNotContain("\r", "\n");
                List<String> finals = new ArrayList<>();
                for (String line : text.split("\r\n")) {
                    assertThat(line).as("a reply line").matches(Pattern.compile("(\\d{3}[ -].*|[ A-Za-z].*)"));
                    if (line.matches("\\d{3} .*")) {
                        finals.add(line);
                    }
                }
                assertThat(finals).as("one reply per line sent").hasSize(13);
                assertThat(finals.get(0)).as("one verb NOOP\\rMKD, not two").startsWith("502");
                assertThat(finals.get(1)).startsWith("553");
                assertThat(finals).noneMatch(f -> f.contains("fake") && !f.contains("?"));
                assertThat(finals.get(finals.size() - 1)).startsWith("221");
            }
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                String listing = new String(c.fetch("LIST"), StandardCharsets.UTF_8)
                        + new String(c.fetch("NLST"), StandardCharsets.UTF_8) + c.command("STAT /");
                assertThat(listing).doesNotContain("evil", "fake");
            }
            assertThat(home.resolve("crsplit")).doesNotExist();
            assertThat(home.resolve("a")).doesNotExist();
            assertThat(home.resolve("b")).doesNotExist();
        }
    }

    @Test
    void telnetIacAndInvalidUtf8GetA500AndTheServerStaysUp() throws Exception {
        try (TestServer server = TestServer.start()) {
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                for (byte[] garbage : List.of(
                        bytes(0x55, 0x53, 0x45, 0x52, 0x20, 0xff, 0xff),            // USER + IAC IAC (a literal 0xFF)
                        bytes(0x4d, 0x4b, 0x44, 0x20, 0xc3, 0x28),                  // MKD + broken 2-byte sequence
                        bytes(0xc0, 0xaf, 0x2e, 0x2e),                              // overlong '/'
                        bytes(0x43, 0x57, 0x44, 0x20, 0xed, 0xa0, 0x80),            // CWD + UTF-8 surrogate
                        bytes(0xf8, 0x88, 0x80, 0x80, 0x80),                        // 5-byte form
                        bytes(0xfe, 0xfe, 0xfe, 0xfe),
                        repeat(bytes(0xff, 0xff), 1000))) {
                    c.raw(concat(garbage, bytes('\r', '\n')));
                    assertThat(c.reply()).as("invalid UTF-8 %s", Arrays.toString(Arrays.copyOf(garbage, 6)))
                            .startsWith("500");
                }
                // Telnet commands are dropped, as RFC 959 clients send them; what is left runs normally.
                c.raw(bytes(0xff, 0xf4, 0xff, 0xf2, 'N', 'O', 'O', 'P', '\r', '\n'));
                assertThat(c.reply()).startsWith("200");
                c.raw(bytes(0xff, 0xfb, 0x01, 0xff, 0xfd, 0x03, 'P', 'W', 'D', '\r', '\n'));
                assertThat(c.reply()).startsWith("257");
                c.raw(bytes(0xff));
                Thread.sleep(50); // likely two reads; in one, the NOOP must pass all the same
                c.raw(bytes(0xf4, 'N', 'O', 'O', 'P', '\r', '\n'));
                assertThat(c.reply()).as("an IAC split across two reads").startsWith("200");
                c.raw(bytes(0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0, 'N', 'O', 'O', 'P', '\r', '\n'));
                assertThat(c.reply()).as("subnegotiation").matches("(200|500|502) .*");
                assertThat(c.command("NOOP")).startsWith("200");
            }
            try (ControlClient other = ControlClient.loggedIn(server.port(), "bob", "secret")) {
                assertThat(other.command("PWD")).startsWith("257");
            }
        }
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] repeat(byte[] b, int times) {
        byte[] out = new byte[b.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(b, 0, out, i * b.length, b.length);
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * Python's ftplib sends ABOR with MSG_OOB, so its last byte is TCP urgent data: without SO_OOBINLINE
     * the server never sees the line end and the client hangs.
     */
    private static final String FTPLIB_ABORT = String.join("\n",
            "import ftplib, sys, time",
            "f = ftplib.FTP(timeout=10)",
            "f.connect('127.0.0.1', int(sys.argv[1]))",
            "f.login('alice', 'secret')",
            "f.voidcmd('TYPE I')",
            "conn = f.transfercmd('RETR big.bin')",
            "got = 0",
            "while got < (1 << 20):",
            "    got += len(conn.recv(65536))",
            "print('RETR first', f.abort())",
            "print('RETR second', f.getmultiline())",
            "conn.close()",
            "t = time.time(); f.voidcmd('NOOP'); print('RETR noop', round(time.time() - t, 3))",
            "conn = f.transfercmd('STOR up.bin')",
            "conn.sendall(b'x' * (1 << 20))",
            "time.sleep(0.2)",
            "print('STOR first', f.abort())",
            "print('STOR second', f.getmultiline())",
            "conn.close()",
            "t = time.time(); f.voidcmd('NOOP'); print('STOR noop', round(time.time() - t, 3))",
            "f.quit()",
            "");

    @Test
    void aborSentAsUrgentDataLikeFtplibAbortsDownloadsAndUploads() throws Exception {
        try (TestServer server = TestServer.start("quota.default=none")) {
            Path big = server.home("alice").resolve("big.bin");
            Files.createDirectories(big.getParent());
            try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
                f.setLength(256L << 20);
            }
            AttackEvidence.ToolRun run = AttackEvidence.run(
                    List.of("python3", "-c", FTPLIB_ABORT, Integer.toString(server.port())), null, 60);
            assertThat(run.exit()).as(run.output()).isZero();
            String out = run.output();
            assertThat(out).contains("RETR first 426").contains("RETR second 226")
                    .contains("STOR first 426").contains("STOR second 226");
            for (String verb : List.of("RETR", "STOR")) {
                double noop = Double.parseDouble(out.replaceAll("(?s).*" + verb + " noop ([0-9.]+).*", "$1"));
                // A NOOP stuck behind the aborted transfer would wait for ftplib's 10 s timeout.
                assertThat(noop).as("NOOP after ABOR of %s, seconds", verb).isLessThan(5.0);
            }
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                assertThat(c.command("SITE UPLOADS")).contains("/up.bin");
            }
        }
    }

    @Test
    void unsupportedModesStructuresAndTypesAre504() {
        try (TestServer server = TestServer.start();
             ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            for (String cmd : List.of("MODE Z", "MODE B", "MODE C", "MODE", "STRU R", "STRU P", "TYPE E",
                    "TYPE L 7", "TYPE A T", "MODE Z 9")) {
                String r = c.command(cmd);
                assertThat(r).as(cmd).matches("50[14] .*");
            }
            assertThat(c.command("MODE Z")).startsWith("504");
            assertThat(c.command("MODE S")).startsWith("200");
            assertThat(c.upload("STOR plain.txt", "still stream mode\n".getBytes(StandardCharsets.UTF_8)))
                    .startsWith("226");
            assertThat(new String(c.fetch("RETR plain.txt"), StandardCharsets.UTF_8)).isEqualTo("still stream mode\n");
        }
    }

    @Test
    void hugeOrNegativeRestartOffsetsAreRefusedWithoutSparseFilesOrQuotaDamage() throws Exception {
        try (TestServer server = TestServer.start("quota.default=1M")) {
            server.write("alice", "small.txt", "0123456789".getBytes(StandardCharsets.UTF_8));
            Path home = server.home("alice");
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                String quotaBefore = c.command("SITE QUOTA");
                for (String bad : List.of("-1", "+5", "1e3", "0x10", " ", "99999999999999999999",
                        "9223372036854775807", "1125899906842625", "12 34")) {
                    assertThat(c.command("REST " + bad)).as("REST " + bad).startsWith("501");
                }
                for (String target : List.of("sparse.bin", "small.txt")) {
                    assertThat(c.command("REST 100000000000")).startsWith("350");
                    String r = AttackEvidence.attempt(c, "STOR " + target, new byte[] {1, 2, 3}).replies();
                    assertThat(r).as("STOR %s after REST 100000000000", target).matches("55[0-9] .*");
                }
                assertThat(home.resolve("sparse.bin")).doesNotExist();
                assertThat(Files.readString(home.resolve("small.txt"))).isEqualTo("0123456789");
                assertThat(c.command("REST 100000000000")).startsWith("350");
                assertThat(AttackEvidence.attempt(c, "RETR small.txt", null).replies()).matches("55[0-9] .*");
                assertThat(c.command("SITE QUOTA")).isEqualTo(quotaBefore)
                        .contains("\nused: " + server.diskUsage("alice") + "\n");
                assertThat(c.command("REST 4")).startsWith("350");
                assertThat(c.upload("STOR small.txt", "ABC".getBytes(StandardCharsets.UTF_8))).startsWith("226");
                assertThat(Files.readString(home.resolve("small.txt"))).isEqualTo("0123ABC");
                assertThat(c.command("SITE QUOTA")).contains("\nused: " + server.diskUsage("alice") + "\n");
            }
        }
    }
}
