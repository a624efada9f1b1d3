package ftp.server;

import ftp.testing.Eventually;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The control protocol of issue 2 against a real server: directory commands, listings, refusals, the jail. */
class CoreProtocolTest {
    private TestServer server;
    private Path home;

    private Set<Thread> threadsBefore;

    @BeforeEach
    void start() throws IOException {
        threadsBefore = serverThreads();
        server = TestServer.start();
        home = Files.createDirectories(server.home("alice"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
        // Like pyftpdlib's tests: a stopped server leaves no thread behind.
        Eventually.holds(() -> threadsBefore.containsAll(serverThreads()));
        Set<Thread> left = serverThreads();
        left.removeAll(threadsBefore);
        assertThat(left).as("threads left after close").isEmpty();
    }

    private static Set<Thread> serverThreads() {
        Set<Thread> found = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("ftpd-")) {
                found.add(t);
            }
        }
        return found;
    }

    private ControlClient alice() {
        return ControlClient.loggedIn(server.port(), "alice", "secret");
    }

    /** Sends a data command over a fresh passive connection and returns its first reply (a refusal, expected). */
    private static String refusedTransfer(ControlClient c, String command) throws IOException {
        try (Socket data = c.openPassive()) {
            String r = c.command(command);
            if (r != null && r.startsWith("150")) {
                data.getInputStream().readAllBytes();
                return r + " / " + c.reply();
            }
            return r;
        }
    }

    @Test
    void directoryCommandsAndTheirXVariants() {
        try (ControlClient c = alice()) {
            assertThat(c.command("PWD")).isEqualTo("257 \"/\" is the current directory.");
            assertThat(c.command("MKD a")).startsWith("257 \"/a\"");
            assertThat(home.resolve("a")).isDirectory();
            assertThat(c.command("CWD a")).startsWith("250");
            assertThat(c.command("PWD")).startsWith("257 \"/a\"");
            assertThat(c.command("MKD b")).startsWith("257 \"/a/b\"");
            assertThat(c.command("MKD b")).startsWith("550");
            assertThat(c.command("CDUP")).startsWith("250");
            assertThat(c.command("PWD")).startsWith("257 \"/\"");

            assertThat(c.command("XMKD x")).startsWith("257 \"/x\"");
            assertThat(c.command("XCWD x")).startsWith("250");
            assertThat(c.command("XPWD")).startsWith("257 \"/x\"");
            assertThat(c.command("XCUP")).startsWith("250");
            assertThat(c.command("XRMD x")).startsWith("250");
            assertThat(home.resolve("x")).doesNotExist();

            assertThat(c.command("RMD a")).startsWith("550"); // not empty
            assertThat(c.command("RMD a/b")).startsWith("250");
            assertThat(c.command("RMD /a")).startsWith("250");
            assertThat(home.resolve("a")).doesNotExist();
            assertThat(c.command("CWD nowhere")).startsWith("550");
            assertThat(c.command("RMD /")).startsWith("550");
            assertThat(c.command("MKD \"q\"uote")).isEqualTo("257 \"/\"\"q\"\"uote\" created.");
        }
    }

    @Test
    void fileCommands() throws IOException {
        Path f = Files.writeString(home.resolve("f.txt"), "hello");
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2020-01-02T03:04:05Z")));
        Files.createDirectories(home.resolve("d"));
        try (ControlClient c = alice()) {
            assertThat(c.command("SIZE f.txt")).isEqualTo("213 5");
            assertThat(c.command("MDTM /f.txt")).isEqualTo("213 20200102030405");
            assertThat(c.command("SIZE d")).startsWith("550");
            assertThat(c.command("SIZE missing")).startsWith("550");
            assertThat(c.command("MLST f.txt")).isEqualTo(
                    "250-Listing /f.txt\n type=file;size=5;modify=20200102030405;perm=adfrw; /f.txt\n250 End");

            assertThat(c.command("RNFR f.txt")).startsWith("350");
            assertThat(c.command("RNTO d/g.txt")).startsWith("250");
            assertThat(home.resolve("f.txt")).doesNotExist();
            assertThat(home.resolve("d/g.txt")).hasContent("hello");
            assertThat(c.command("RNFR missing")).startsWith("550");
            assertThat(c.command("RNTO whatever")).startsWith("503");

            assertThat(c.command("DELE d")).startsWith("550");
            assertThat(c.command("DELE d/g.txt")).startsWith("250");
            assertThat(home.resolve("d/g.txt")).doesNotExist();
            assertThat(c.command("DELE d/g.txt")).startsWith("550");
        }
    }

    @Test
    void rnfrTargetHoldsOnlyForTheVeryNextCommand() throws IOException {
        Files.writeString(home.resolve("f.txt"), "x");
        try (ControlClient c = alice()) {
            assertThat(c.command("RNTO g.txt")).startsWith("503");
            assertThat(c.command("RNFR f.txt")).startsWith("350");
            assertThat(c.command("NOOP")).startsWith("200");
            assertThat(c.command("RNTO g.txt")).startsWith("503");
            assertThat(home.resolve("f.txt")).exists();
            assertThat(home.resolve("g.txt")).doesNotExist();
        }
    }

    @Test
    void listingsOverPassiveDataConnections() throws IOException {
        Path f = Files.writeString(home.resolve("f.txt"), "hello");
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2020-01-02T03:04:05Z")));
        Files.createDirectories(home.resolve("d"));
        Files.writeString(home.resolve("d/inner.txt"), "1");
        try (ControlClient c = alice()) {
            List<String> list = c.list("LIST");
            assertThat(list).hasSize(2);
            assertThat(list.get(0)).matches("drwxr-xr-x +\\d+ alice +alice +\\d+ \\w{3} \\d{2} +[\\d:]+ d");
            assertThat(list.get(1)).matches("-rw-r--r-- +1 alice +alice +5 Jan 02 +2020 f\\.txt");
            assertThat(c.list("LIST -la")).hasSize(2);
            assertThat(c.list("NLST")).containsExactly("d", "f.txt");
            assertThat(c.list("NLST d")).containsExactly("d/inner.txt");
            assertThat(c.list("MLSD")).contains("type=file;size=5;modify=20200102030405;perm=adfrw; f.txt");
            assertThat(c.list("MLSD /d")).hasSize(1)
                    .allMatch(l -> l.startsWith("type=file;size=1;") && l.endsWith(" inner.txt"));
            assertThat(c.list("LIST *.txt")).hasSize(1).allMatch(l -> l.endsWith(" f.txt"));
            assertThat(c.command("CWD d")).startsWith("250");
            assertThat(c.list("NLST")).containsExactly("inner.txt");
        }
    }

    @Test
    void informationalCommandsAndModes() {
        try (ControlClient c = new ControlClient(server.port())) {
            c.expect(220);
            // These are allowed before login, so clients can probe.
            String feat = c.command("FEAT");
            assertThat(feat).startsWith("211-").endsWith("211 End");
            assertThat(feat.split("\n")).contains(" UTF8", " EPSV", " SIZE", " MDTM", " REST STREAM", " TVFS")
                    .anyMatch(l -> l.startsWith(" MLST type*;size*;modify*;"));
            assertThat(c.command("SYST")).isEqualTo("215 UNIX Type: L8");
            assertThat(c.command("HELP")).startsWith("214-").contains("MLSD", "XPWD", "NOOP").endsWith("214 Help OK.");
            assertThat(c.command("HELP retr")).isEqualTo("214 Syntax: RETR <sp> path");
            assertThat(c.command("OPTS UTF8 ON")).startsWith("200");
            assertThat(c.command("OPTS UTF8 OFF")).startsWith("504");
            assertThat(c.command("OPTS NONSENSE")).startsWith("501");
            assertThat(c.command("NOOP")).startsWith("200");
            assertThat(c.command("FROB")).startsWith("502");
            c.send("USER alice");
            c.expect(331);
            c.send("PASS secret");
            c.expect(230);
            assertThat(c.command("TYPE A")).startsWith("200");
            assertThat(c.command("TYPE I")).startsWith("200");
            assertThat(c.command("TYPE E")).startsWith("504");
            assertThat(c.command("MODE S")).startsWith("200");
            assertThat(c.command("MODE B")).startsWith("504");
            assertThat(c.command("STRU F")).startsWith("200");
            assertThat(c.command("STRU R")).startsWith("504");
            assertThat(c.command("CWD")).startsWith("501");
            assertThat(c.command("STAT")).startsWith("211-").contains("alice");
            assertThat(c.command("USER bob")).startsWith("503");
            assertThat(c.command("QUIT")).startsWith("221");
            assertThat(c.reply()).isNull();
        }
    }

    @Test
    void verbsAreCaseInsensitiveAndBareLfEndsALine() {
        try (ControlClient c = new ControlClient(server.port())) {
            c.expect(220);
            c.raw("user alice\npass secret\nPwD\nxmkd Mixed Case\ncwd Mixed Case\nxpwd\n"
                    .getBytes(StandardCharsets.UTF_8));
            c.expect(331);
            c.expect(230);
            assertThat(c.reply()).startsWith("257 \"/\"");
            assertThat(c.reply()).startsWith("257 \"/Mixed Case\"");
            assertThat(c.reply()).startsWith("250");
            assertThat(c.reply()).startsWith("257 \"/Mixed Case\"");
            assertThat(home.resolve("Mixed Case")).isDirectory();
        }
    }

    @Test
    void pipelinedLinesAreAnsweredInOrderEvenPastTheQueueLimit() {
        // Hundreds of lines in one write: the session queues a few, pauses reading and keeps the rest of what
        // it read for later; every line must still be answered, once, in order.
        StringBuilder b = new StringBuilder();
        int n = 300;
        for (int i = 0; i < n; i++) {
            b.append(i % 3 == 0 ? "MKD d" + i : i % 3 == 1 ? "CWD /d" + (i - 1) : "CDUP").append("\r\n");
        }
        b.append("PWD\r\n");
        try (ControlClient c = alice()) {
            c.raw(b.toString().getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < n; i++) {
                String r = c.reply();
                if (i % 3 == 0) {
                    assertThat(r).as("reply %d", i).startsWith("257 \"/d" + i + "\"");
                } else {
                    assertThat(r).as("reply %d", i).startsWith("250");
                }
            }
            assertThat(c.reply()).startsWith("257 \"/\"");
            assertThat(c.command("NOOP")).startsWith("200");
        }
        assertThat(home.resolve("d297")).isDirectory();
    }

    @Test
    void aClientThatHalfClosesStillGetsEveryAnswer() throws IOException {
        // What `printf 'USER egon\nPASS 123\n...' | nc -N host port` does: send everything, then shut down writing.
        try (ControlClient c = new ControlClient(server.port())) {
            c.raw("USER egon\nPASS 123\nPWD\nMKD a\nCWD a\nPWD\n".getBytes(StandardCharsets.UTF_8));
            c.socket().shutdownOutput();
            c.expect(220);
            c.expect(331);
            c.expect(230);
            assertThat(c.reply()).startsWith("257 \"/\"");
            assertThat(c.reply()).startsWith("257 \"/a\"");
            assertThat(c.reply()).startsWith("250");
            assertThat(c.reply()).startsWith("257 \"/a\"");
            assertThat(c.reply()).as("closed once the input is done").isNull();
        }
        assertThat(server.home("egon").resolve("a")).isDirectory();
    }

    @Test
    void everyCommandThatNeedsALoginIsRefusedBeforeOne() throws IOException {
        Map<String, CommandSpec> all = new CommandTable().all();
        try (ControlClient c = new ControlClient(server.port())) {
            c.expect(220);
            int checked = 0;
            for (CommandSpec spec : all.values()) {
                if (spec.needsLogin()) {
                    assertThat(c.command(spec.verb() + " x")).as(spec.verb()).startsWith("530");
                    checked++;
                }
            }
            assertThat(checked).isGreaterThan(35);
            // Between USER and PASS it is no different.
            assertThat(c.command("USER alice")).startsWith("331");
            assertThat(c.command("MKD after-user")).startsWith("530");
            assertThat(c.command("CWD /")).startsWith("530");
        }
        assertThat(home.resolve("x")).doesNotExist();
        assertThat(home.resolve("after-user")).doesNotExist();
    }

    @Test
    void pasvBeforeLoginOpensNoListener() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        server.close();
        server = TestServer.start("passive.ports=" + port + "-" + port);
        try (ControlClient c = new ControlClient(server.port())) {
            c.expect(220);
            assertThat(c.command("PASV")).startsWith("530");
            assertThat(c.command("EPSV")).startsWith("530");
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                throw new AssertionError("a passive port was listening before login");
            } catch (ConnectException expected) {
                // nothing listens
            }
            c.send("USER alice");
            c.expect(331);
            c.send("PASS secret");
            c.expect(230);
            int p = port;
            assertThat(c.command("PASV")).matches("227 Entering Passive Mode \\(127,0,0,1,(\\d+),(\\d+)\\)\\.")
                    .satisfies(r -> assertThat(r).contains("," + (p >> 8) + "," + (p & 0xff) + ")"));
        }
    }

    @Test
    void activeModeGoesOnlyToTheClientAndOnlyToLiteralAddresses() {
        try (ControlClient c = alice()) {
            long start = System.nanoTime();
            assertThat(c.command("EPRT |1|cafe|5000|")).startsWith("501"); // a host name, even one of hex letters
            assertThat(c.command("EPRT |2|dead.beef|5000|")).startsWith("501");
            // Refused without a lookup, which can wait 5 s a try on a resolver that does not answer.
            assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
            assertThat(c.command("EPRT |1|10.1.2.3|5000|")).startsWith("504"); // FTP bounce
            assertThat(c.command("EPRT |2|::1|5000|")).isEqualTo("522 Network protocol not supported, use (1).");
            assertThat(c.command("PORT 10,1,2,3,19,136")).startsWith("504");
            assertThat(c.command("PORT 127,0,0,1,0,21")).startsWith("504"); // privileged port
            assertThat(c.command("PORT 127,0,0,1,300,1")).startsWith("501");
            assertThat(c.command("EPRT |1|127.0.0.1|5000|")).startsWith("200");
            assertThat(c.command("PORT 127,0,0,1,19,136")).startsWith("200");
        }
    }

    @Test
    void dotDotStopsAtTheRootAndAbsolutePathsStayInTheHome() throws IOException {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/passwd"), "jail");
        try (ControlClient c = alice()) {
            assertThat(c.command("CWD ../../../..")).startsWith("250");
            assertThat(c.command("PWD")).startsWith("257 \"/\"");
            assertThat(c.command("SIZE /etc/passwd")).isEqualTo("213 4");
            assertThat(c.command("SIZE ../../../../../etc/passwd")).isEqualTo("213 4");
            assertThat(new String(c.fetch("RETR /../../etc/passwd"), StandardCharsets.UTF_8)).isEqualTo("jail");
            assertThat(c.command("CWD /etc/../../..")).startsWith("250");
            assertThat(c.command("PWD")).startsWith("257 \"/\"");
            assertThat(c.command("MKD ../../escape")).startsWith("257 \"/escape\"");
            assertThat(home.resolve("escape")).isDirectory();
            assertThat(c.command("MKD %2e%2e")).startsWith("257 \"/%2e%2e\""); // no URL decoding, ever
            assertThat(c.command("CWD /home")).startsWith("550");
        }
    }

    @Test
    void backslashesNulBytesAndOverLongNamesAreRefused() {
        try (ControlClient c = alice()) {
            assertThat(c.command("CWD ..\\..\\..")).startsWith("553");
            assertThat(c.command("MKD a\\b")).startsWith("553");
            c.raw("MKD a\0b\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(c.reply()).startsWith("553");
            assertThat(c.command("MKD " + "n".repeat(300))).startsWith("553").contains("too long");
            assertThat(c.command("MKD " + "é".repeat(128))).startsWith("553"); // 256 bytes in UTF-8
            assertThat(c.command("MKD " + "n".repeat(255))).startsWith("257");
            assertThat(c.command("CWD " + "a/".repeat(2500))).startsWith("553").contains("too long");
            assertThat(c.command("NOOP")).startsWith("200");
        }
        assertThat(home.resolve("a\\b")).doesNotExist();
        assertThat(home.resolve("n".repeat(255))).isDirectory();
    }

    @Test
    void symlinksLeadingOutOfTheHomeAreNeverFollowed() throws IOException {
        Files.createSymbolicLink(home.resolve("etc-link"), Path.of("/etc"));
        Files.createSymbolicLink(home.resolve("hosts-link"), Path.of("/etc/hosts"));
        Files.createSymbolicLink(home.resolve("up-link"), Path.of("../.."));
        Path bob = Files.createDirectories(server.home("bob"));
        Files.writeString(bob.resolve("bobs.txt"), "bob's");
        Files.createSymbolicLink(home.resolve("bob-link"), bob);
        Files.createDirectories(home.resolve("real"));
        Files.writeString(home.resolve("real/in.txt"), "inside");
        Files.createSymbolicLink(home.resolve("inside-link"), Path.of("real"));
        try (ControlClient c = alice()) {
            for (String link : List.of("etc-link", "up-link", "bob-link")) {
                assertThat(c.command("CWD " + link)).as(link).startsWith("550");
                assertThat(c.command("MLST " + link)).as(link).startsWith("550");
                assertThat(c.command("RMD " + link)).as(link).startsWith("550");
            }
            assertThat(c.command("SIZE etc-link/hosts")).startsWith("550");
            assertThat(c.command("SIZE hosts-link")).startsWith("550");
            assertThat(c.command("SIZE bob-link/bobs.txt")).startsWith("550");
            assertThat(refusedTransfer(c, "RETR etc-link/passwd")).startsWith("550");
            assertThat(refusedTransfer(c, "RETR hosts-link")).startsWith("550");
            assertThat(refusedTransfer(c, "LIST etc-link")).startsWith("550");
            assertThat(c.command("MKD etc-link/ftp-was-here")).startsWith("550");

            List<String> names = c.list("NLST");
            assertThat(names).doesNotContain("etc-link", "hosts-link", "up-link", "bob-link");
            // A link that stays inside the home works like its target.
            assertThat(names).contains("inside-link", "real");
            assertThat(c.command("SIZE inside-link/in.txt")).isEqualTo("213 6");
            assertThat(c.command("CWD inside-link")).startsWith("250");
        }
        assertThat(Path.of("/etc/ftp-was-here")).doesNotExist();
    }

    @Test
    void theBookkeepingFolderIsHiddenAndRefusedToEveryCommand() throws IOException {
        Path upload = Files.createDirectories(home.resolve(".upload"));
        Files.writeString(upload.resolve("secret.part"), "partial");
        Files.writeString(home.resolve("f.txt"), "x");
        Files.createSymbolicLink(home.resolve("sneaky"), Path.of(".upload"));
        try (ControlClient c = alice()) {
            assertThat(c.list("NLST")).containsExactly("f.txt");
            assertThat(c.list("LIST")).noneMatch(l -> l.contains(".upload") || l.contains("sneaky"));
            assertThat(c.list("MLSD")).noneMatch(l -> l.contains(".upload"));
            assertThat(c.list("LIST -a")).noneMatch(l -> l.contains(".upload"));

            for (String path : List.of("/.upload", ".upload", "/d/../.upload", "./.upload/", "//.upload", "sneaky")) {
                assertThat(c.command("CWD " + path)).as("CWD %s", path).startsWith("550");
                assertThat(c.command("MKD " + path + "/x")).as("MKD %s/x", path).startsWith("550");
                assertThat(c.command("MLST " + path)).as("MLST %s", path).startsWith("550");
                assertThat(c.command("RNFR " + path)).as("RNFR %s", path).startsWith("550");
            }
            assertThat(c.command("MKD .upload")).startsWith("550");
            assertThat(c.command("RMD /.upload")).startsWith("550");
            assertThat(c.command("DELE /.upload/secret.part")).startsWith("550");
            assertThat(c.command("SIZE .upload/secret.part")).startsWith("550");
            assertThat(c.command("SIZE sneaky/secret.part")).startsWith("550");
            assertThat(c.command("MDTM .upload/secret.part")).startsWith("550");
            assertThat(refusedTransfer(c, "RETR /.upload/secret.part")).startsWith("550");
            assertThat(refusedTransfer(c, "RETR sneaky/secret.part")).startsWith("550");
            assertThat(refusedTransfer(c, "STOR /.upload/planted")).startsWith("550");
            assertThat(refusedTransfer(c, "APPE .upload/secret.part")).startsWith("550");
            assertThat(refusedTransfer(c, "LIST .upload")).startsWith("550");
            assertThat(refusedTransfer(c, "NLST /.upload")).startsWith("550");
            assertThat(c.command("RNFR f.txt")).startsWith("350");
            assertThat(c.command("RNTO .upload/f.txt")).startsWith("550");
            assertThat(c.command("CWD /")).startsWith("250");
        }
        assertThat(upload.resolve("secret.part")).hasContent("partial");
        assertThat(upload.resolve("planted")).doesNotExist();
        assertThat(upload.resolve("x")).doesNotExist();
        assertThat(home.resolve("f.txt")).exists();
    }
}
