package ftp.server;

import ftp.testing.Eventually;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attacks on FTPS (issue 7): plaintext injected behind AUTH TLS (the STARTTLS injection class), old protocol
 * versions, garbage and dribbled handshakes, uploads truncated by cutting the TCP stream, and a fresh handshake
 * on someone else's protected data port. TLS is optional here, so the injection can also follow a plaintext login.
 */
class AttackTlsTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("tls.mode=optional", "tls.implicit_port=0", "timeouts.login=3s",
                "quota.default=none");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Reads one line byte by byte, so nothing after it (the server's TLS bytes) is consumed. */
    private static String plainLine(Socket s) throws IOException {
        StringBuilder b = new StringBuilder();
        InputStream in = s.getInputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.append((char) c);
        }
        return b.toString().trim();
    }

    @Test
    void plaintextInjectedBehindAuthTlsNeverRunsBeforeOrAfterLogin() throws Exception {
        Path home = Files.createDirectories(server.home("alice"));
        Files.writeString(home.resolve("keep.txt"), "keep\n");
        // After a plaintext login: the injected commands share AUTH TLS's packet.
        try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            c.raw("AUTH TLS\r\nMKD pwned\r\nDELE keep.txt\r\nRNFR keep.txt\r\n".getBytes(StandardCharsets.US_ASCII));
            c.expect(234);
            try (ControlClient tls = c.handshake()) {
                assertThat(tls.command("PWD")).as("the first reply after the handshake").startsWith("257 \"/\"");
                assertThat(tls.command("RNTO moved.txt")).startsWith("503");
                assertThat(tls.command("AUTH TLS")).startsWith("503");
                assertThat(tls.command("AUTH SSL")).startsWith("503");
                assertThat(tls.command("CCC")).startsWith("534");
                assertThat(tls.command("NOOP")).startsWith("200");
            }
        }
        // Before login: USER and PASS smuggled in clear must not log the TLS session in.
        try (ControlClient c = new ControlClient(server.port())) {
            c.expect(220);
            c.raw("AUTH TLS\r\nUSER alice\r\nPASS secret\r\nMKD pwned2\r\n".getBytes(StandardCharsets.US_ASCII));
            c.expect(234);
            try (ControlClient tls = c.handshake()) {
                assertThat(tls.command("PWD")).startsWith("530");
                assertThat(tls.command("PASS secret")).as("no USER was taken").startsWith("503");
            }
        }
        // Plaintext sent in its own packet after AUTH TLS arrives where the ClientHello should be.
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            assertThat(plainLine(s)).startsWith("220");
            OutputStream out = s.getOutputStream();
            out.write("USER alice\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(plainLine(s)).startsWith("331");
            out.write("PASS secret\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(plainLine(s)).startsWith("230");
            out.write("AUTH TLS\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(plainLine(s)).startsWith("234");
            out.write("MKD pwned3\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(drainUntilClosed(s)).as("the server closed the connection that sent clear text").isTrue();
        }
        assertThat(home.resolve("pwned")).doesNotExist();
        assertThat(home.resolve("pwned2")).doesNotExist();
        assertThat(home.resolve("pwned3")).doesNotExist();
        assertThat(home.resolve("keep.txt")).exists();
        assertThat(home.resolve("moved.txt")).doesNotExist();
    }

    /**
     * Issue 12: with tls.mode=required, a client that does not read its replies backs up the server's output with
     * HELP, so the 234 cannot leave at once; then AUTH TLS and, in the same write or right after, USER, PASS and
     * MKD in clear. None of them may run: not a 331, 230 or 257 in clear, no directory.
     */
    @Test
    void plaintextBehindAuthTlsNeverRunsWhileTheRepliesAreBackedUp() throws Exception {
        try (TestServer strict = TestServer.start("tls.mode=required", "tls.keystore=" + server.keystore(),
                "quota.default=none")) {
            Path home = Files.createDirectories(strict.home("alice"));
            for (boolean sameWrite : List.of(true, false)) {
                String dir = sameWrite ? "pwned-same-write" : "pwned-next-write";
                String got = injectBehindBackedUpReplies(strict.port(), sameWrite,
                        "USER alice\r\nPASS secret\r\nMKD " + dir + "\r\nSTAT\r\n");
                int auth = got.indexOf("\r\n234 ");
                assertThat(auth).as("the 234 came, after the HELP replies").isPositive();
                String after = got.substring(got.indexOf('\n', auth + 2) + 1);
                assertThat(after).as("sent in clear after the 234 (%s)", sameWrite ? "same write" : "next write")
                        .doesNotContainPattern("(?m)^[1-5][0-9][0-9][ -]");
                assertThat(home.resolve(dir)).doesNotExist();
            }
            try (ControlClient c = ControlClient.loggedInTls(strict.port(), "alice", "secret")) {
                assertThat(c.command("MKD wanted")).startsWith("257");
            }
            assertThat(home.resolve("wanted")).isDirectory();
        }
    }

    /**
     * Connects without ever reading, sends HELP until the server holds some 32 KiB of replies the kernel could
     * not take, then AUTH TLS and {@code injected} (in the same write, or once the server has read AUTH TLS).
     * Then reads everything the server sends until it closes (or stays silent for 3 s: the injected bytes that
     * came with AUTH TLS were dropped, and the server waits for a handshake).
     */
    private static String injectBehindBackedUpReplies(int port, boolean sameWrite, String injected)
            throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            assertThat(plainLine(s)).startsWith("220");
            AttackEvidence.backUpReplies(port, s);
            OutputStream out = s.getOutputStream();
            if (sameWrite) {
                out.write(("AUTH TLS\r\n" + injected).getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write("AUTH TLS\r\n".getBytes(StandardCharsets.US_ASCII));
                AttackEvidence.settledKernelBytes(port, s, true);
                Thread.sleep(200);
                out.write(injected.getBytes(StandardCharsets.US_ASCII));
            }
            AttackEvidence.settledKernelBytes(port, s, false); // a fixed server leaves the injected bytes unread
            Thread.sleep(500); // time for the server to run whatever it would run
            s.setSoTimeout(3000);
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            try {
                int n;
                while ((n = s.getInputStream().read(buf)) >= 0) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException | SocketException silentOrReset) {
                // the end of what the server sent
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * True when the server closes within 15 s (EOF or reset), whatever it sent before: long after a refusal or
     * the login timeout, long before the idle timeout.
     */
    private static boolean drainUntilClosed(Socket s) throws IOException {
        s.setSoTimeout(15_000);
        byte[] buf = new byte[4096];
        try {
            while (s.getInputStream().read(buf) >= 0) {
                // an alert, perhaps
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Test
    void tls10And11AreRefusedWhile12IsServed() {
        for (String version : List.of("-tls1", "-tls1_1")) {
            AttackEvidence.ToolRun r = sClient(version, "-cipher", "DEFAULT@SECLEVEL=0");
            assertThat(r.output()).as(version + ": openssl itself offered it").doesNotContain("no protocols available");
            assertThat(r.output()).as(version).containsPattern("alert protocol version|unsupported protocol")
                    .doesNotContain("230 ");
            assertThat(r.exit()).as(version).isNotZero();
        }
        AttackEvidence.ToolRun ok = sClient("-tls1_2");
        assertThat(ok.output()).contains("New, TLSv1.2, Cipher is ").contains("230 User alice logged in");
        try (ControlClient c = ControlClient.loggedInTls(server.port(), "bob", "secret")) {
            assertThat(c.command("NOOP")).startsWith("200");
        }
    }

    private static AttackEvidence.ToolRun sClient(String... options) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-starttls", "ftp", "-crlf",
                "-ign_eof", "-connect", "127.0.0.1:" + server.port()));
        command.addAll(List.of(options));
        return AttackEvidence.run(command, "USER alice\nPASS secret\nQUIT\n", 30);
    }

    @Test
    void garbageForAClientHelloClosesThatConnectionAndLeaksNothing() throws Exception {
        byte[] random = new byte[8192];
        new Random(7).nextBytes(random);
        byte[] oversized = new byte[5 + 70_000];
        System.arraycopy(new byte[] {0x16, 0x03, 0x01, (byte) 0xff, (byte) 0xff}, 0, oversized, 0, 5);
        List<byte[]> garbage = List.of(
                random,
                "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                // An SSLv2-format ClientHello offering SSL 2.0.
                new byte[] {(byte) 0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15, 0x00, 0x00, 0x00, 0x10, 0x07, 0x00,
                        (byte) 0xc0, 0x05, 0x00, (byte) 0x80, 0x03, 0x00, (byte) 0x80, 0x01, 0x00, (byte) 0x80,
                        0x08, 0x00, (byte) 0x80, 0x06, 0x00, 0x40, 0x04, 0x00, (byte) 0x80, 0x02, 0x00,
                        (byte) 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
                oversized,
                // A handshake record whose ClientHello claims 16 MiB.
                new byte[] {0x16, 0x03, 0x01, 0x00, 0x08, 0x01, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x03, 0x03,
                        0x00, 0x00},
                // An alert and a change-cipher-spec where the hello should be.
                new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28, 0x14, 0x03, 0x03, 0x00, 0x01, 0x01});
        try (ControlClient bystander = ControlClient.loggedIn(server.port(), "bob", "secret")) {
            bystander.list("NLST"); // warm up before the baseline
            int fdsBefore = AttackEvidence.openFds();
            for (int round = 0; round < 3; round++) {
                for (byte[] g : garbage) {
                    try (ControlClient attacker = new ControlClient(server.port())) {
                        attacker.expect(220);
                        assertThat(attacker.command("AUTH TLS")).startsWith("234");
                        try {
                            attacker.raw(g);
                        } catch (UncheckedIOException closedEarly) {
                            // the server gave up before all of it arrived
                        }
                        assertThat(drainUntilClosed(attacker.socket())).as("closed after %s",
                                Arrays.toString(Arrays.copyOf(g, 6))).isTrue();
                    }
                }
                // Straight at the implicit port, too.
                for (byte[] g : garbage) {
                    try (Socket s = new Socket("127.0.0.1", server.implicitPort())) {
                        try {
                            s.getOutputStream().write(g);
                        } catch (IOException closedEarly) {
                            // fine
                        }
                        assertThat(drainUntilClosed(s)).isTrue();
                    }
                }
            }
            assertThat(bystander.command("NOOP")).startsWith("200");
            assertThat(Eventually.holds(() -> AttackEvidence.openFds() <= fdsBefore + 5))
                    .as("fds before %d, after %d", fdsBefore, AttackEvidence.openFds()).isTrue();
        }
        try (ControlClient c = ControlClient.loggedInTls(server.port(), "alice", "secret")) {
            assertThat(c.command("PWD")).startsWith("257");
        }
    }

    /** The first flight of a real TLS client, to be sent a byte at a time. */
    private static byte[] clientHello() throws IOException {
        SSLEngine engine = ControlClient.trustingContext().createSSLEngine("127.0.0.1", server.port());
        engine.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    @Test
    void aHandshakeThatDribblesIsDroppedAtTheLoginDeadline() throws Exception {
        byte[] hello = clientHello();
        assertThat(hello.length).isGreaterThan(100);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Long> explicit = pool.submit(() -> dribbleHandshake(hello, false));
            Future<Long> implicit = pool.submit(() -> dribbleHandshake(hello, true));
            for (Future<Long> f : List.of(explicit, implicit)) {
                // Not before timeouts.login=3s; long before the dribble would end.
                assertThat(f.get(60, TimeUnit.SECONDS)).as("ms until dropped (timeouts.login=3s)")
                        .isBetween(3000L, 20_000L);
            }
        } finally {
            pool.shutdownNow();
        }
        try (ControlClient c = ControlClient.loggedInTls(server.port(), "bob", "secret")) {
            assertThat(c.command("NOOP")).startsWith("200");
        }
    }

    /**
     * Sends {@code hello} a byte every 200 ms after AUTH TLS (or at once on the implicit port); ms from before
     * connecting (so from no later than the greeting) until closed.
     */
    private static long dribbleHandshake(byte[] hello, boolean implicit) throws Exception {
        try (Socket s = new Socket()) {
            long start = System.nanoTime();
            s.connect(new InetSocketAddress("127.0.0.1", implicit ? server.implicitPort() : server.port()), 2000);
            if (!implicit) {
                s.setSoTimeout(5000);
                assertThat(plainLine(s)).startsWith("220");
                s.getOutputStream().write("AUTH TLS\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(plainLine(s)).startsWith("234");
            }
            s.setSoTimeout(1);
            for (int i = 0; i < hello.length - 1; i++) {
                try {
                    s.getOutputStream().write(hello[i]);
                    Thread.sleep(200);
                    if (s.getInputStream().read() < 0) {
                        return (System.nanoTime() - start) / 1_000_000;
                    }
                } catch (SocketTimeoutException quiet) {
                    // nothing yet: dribble on
                } catch (IOException closed) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
            }
            throw new AssertionError("a handshake dribbled for " + hello.length / 5 + " s was never dropped");
        }
    }

    @Test
    void aTlsUploadCutWithoutCloseNotifyIsKeptUnfinishedAndResumes() throws Exception {
        byte[] whole = new byte[3 << 20];
        new Random(11).nextBytes(whole);
        Path file = server.home("egon").resolve("cut.bin");
        long kept;
        // A new control session for each attempt: a client whose data connection was cut never got the
        // TLS 1.3 ticket its next data connection would need to resume, just as after a crash.
        try (ControlClient c = ControlClient.loggedInTls(server.port(), "egon", "123")) {
            String reply = c.cutProtectedUpload("STOR cut.bin", Arrays.copyOf(whole, 1 << 20));
            assertThat(reply).startsWith("426").contains("close_notify");
            assertThat(c.command("SITE UPLOADS")).contains(" /cut.bin");
            kept = Files.size(file);
            assertThat(kept).isLessThanOrEqualTo(1 << 20);
            assertThat(Arrays.equals(Files.readAllBytes(file), Arrays.copyOf(whole, (int) kept))).isTrue();
            assertThat(c.command("SITE QUOTA")).contains("\nused: " + server.diskUsage("egon") + "\n");
        }
        // An abrupt reset after the data is no better than a FIN without close_notify.
        try (ControlClient c = ControlClient.loggedInTls(server.port(), "egon", "123")) {
            assertThat(c.command("REST " + kept)).startsWith("350");
            assertThat(c.resetProtectedUpload("STOR cut.bin",
                    Arrays.copyOfRange(whole, (int) kept, (int) kept + (1 << 20)))).startsWith("426");
            assertThat(c.command("SITE UPLOADS")).contains(" /cut.bin");
            assertThat(c.command("SITE QUOTA")).contains("\nused: " + server.diskUsage("egon") + "\n");
        }
        try (ControlClient c = ControlClient.loggedInTls(server.port(), "egon", "123")) {
            long now = Files.size(file);
            assertThat(c.command("REST " + now)).startsWith("350");
            assertThat(c.uploadProtected("STOR cut.bin", Arrays.copyOfRange(whole, (int) now, whole.length)))
                    .startsWith("226");
            assertThat(c.command("HASH cut.bin")).contains(" " + HashCommandsTest.md5(whole) + " ");
            assertThat(c.command("SITE UPLOADS")).doesNotContain("cut.bin");
            assertThat(c.command("SITE QUOTA")).contains("\nused: " + server.diskUsage("egon") + "\n");
        }
    }

    @Test
    void aFreshHandshakeOnSomeoneElsesProtectedDataPortGetsNothing() throws Exception {
        byte[] secret = "protected content\n".repeat(500).getBytes(StandardCharsets.UTF_8);
        server.write("alice", "private.txt", secret);
        try (ControlClient c = ControlClient.loggedInTls(server.port(), "alice", "secret")) {
            // The thief reaches the data port first, from the same address, with its own TLS context.
            String reply;
            try (SSLSocket thief = c.openWithoutResuming("RETR private.txt")) {
                byte[] got;
                try {
                    got = thief.getInputStream().readAllBytes();
                } catch (IOException refused) {
                    got = new byte[0];
                }
                assertThat(got).as("what the thief read").isEmpty();
            } catch (UncheckedIOException handshakeRefused) {
                // refused during the handshake itself
            }
            reply = c.reply();
            assertThat(reply).startsWith("522");
            // The rightful client, resuming its control session, gets the file.
            assertThat(c.fetchProtected("RETR private.txt")).isEqualTo(secret);
        }
    }
}
