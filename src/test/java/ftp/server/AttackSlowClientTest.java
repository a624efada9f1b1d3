package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Slow clients that try to hold the server's resources (issue 7): slowloris before login, by dribbling bytes
 * or by sending harmless commands, and downloads that are never read.
 */
class AttackSlowClientTest {

    /**
     * Dribbles {@code bytes} one every {@code gapMillis}; returns ms from before connecting (so from no later
     * than the greeting) until the server closed, or -1.
     */
    private static long dribbleUntilClosed(int port, byte[] bytes, long gapMillis) {
        long start = System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) gapMillis);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            StringBuilder got = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                try {
                    out.write(bytes[i % bytes.length]);
                    out.flush();
                } catch (IOException closed) {
                    return ms(start);
                }
                try {
                    int n;
                    byte[] buf = new byte[512];
                    while ((n = in.read(buf)) > 0) {
                        got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                    if (n < 0) {
                        assertThat(got.toString()).contains("421");
                        return ms(start);
                    }
                } catch (java.net.SocketTimeoutException quiet) {
                    // nothing this round: dribble on
                } catch (SocketException reset) {
                    return ms(start);
                }
            }
            return -1;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void slowlorisBeforeLoginIsDroppedAtTheLoginDeadlineHoweverActiveItLooks() throws Exception {
        try (TestServer server = TestServer.start("timeouts.login=2s", "timeouts.idle=60s")) {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                // A line that never ends, a byte every 300 ms; harmless whole commands; USER never followed by PASS.
                Future<Long> bytes = pool.submit(() -> dribbleUntilClosed(server.port(),
                        "USER alice".getBytes(StandardCharsets.US_ASCII), 300));
                Future<Long> noops = pool.submit(() -> dribbleUntilClosed(server.port(),
                        "NOOP\r\n".getBytes(StandardCharsets.US_ASCII), 100));
                Future<Long> user = pool.submit(() -> dribbleUntilClosed(server.port(),
                        "USER alice\r\nSYST\r\nFEAT\r\nHELP\r\n".getBytes(StandardCharsets.US_ASCII), 50));
                try (ControlClient honest = ControlClient.loggedIn(server.port(), "bob", "secret")) {
                    for (Future<Long> f : List.of(bytes, noops, user)) {
                        long closedAfter = f.get(30, TimeUnit.SECONDS);
                        // Not before timeouts.login; long before timeouts.idle or the end of the dribble.
                        assertThat(closedAfter).as("ms until the server dropped the slow client")
                                .isBetween(2000L, 15_000L);
                    }
                    assertThat(honest.command("NOOP")).as("a logged-in session is not bound by it").startsWith("200");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void downloadsThatAreNeverReadDoNotSlowOtherClients() throws Exception {
        try (TestServer server = TestServer.start("quota.default=none", "timeouts.data=5s")) {
            Path big = server.home("alice").resolve("big.bin");
            Files.createDirectories(big.getParent());
            try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
                f.setLength(512L << 20);
            }
            server.write("bob", "small.txt", "small\n".getBytes(StandardCharsets.UTF_8));
            List<ControlClient> stallers = new ArrayList<>();
            List<Socket> unread = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret");
                    stallers.add(c);
                    unread.add(c.openPassive());
                    assertThat(c.command("RETR big.bin")).startsWith("150");
                }
                // Each 150 came from a transfer thread that now fills the socket buffers and then blocks.
                try (ControlClient other = ControlClient.loggedIn(server.port(), "bob", "secret")) {
                    for (int i = 0; i < 5; i++) {
                        long start = System.nanoTime();
                        assertThat(other.list("LIST")).hasSize(1);
                        assertThat(new String(other.fetch("RETR small.txt"), StandardCharsets.UTF_8))
                                .isEqualTo("small\n");
                        assertThat(other.command("SIZE small.txt")).isEqualTo("213 6");
                        // Waiting for the stalled downloads would take until timeouts.data, twice this.
                        assertThat(ms(start)).as("LIST + RETR + SIZE while downloads stall, ms").isLessThan(2500);
                    }
                }
                // The stalled downloads end at timeouts.data and free their workers.
                for (ControlClient c : stallers) {
                    assertThat(c.reply()).startsWith("426");
                    assertThat(c.command("NOOP")).startsWith("200");
                }
            } finally {
                for (Socket s : unread) {
                    s.close();
                }
                for (ControlClient c : stallers) {
                    c.close();
                }
            }
        }
    }

    /**
     * Issue 12: a client that stops reading its replies, then idles past its timeout. The 421 cannot leave
     * either, and a session that waited for it to be flushed would be held for good (its slot, its descriptor).
     * It is closed anyway, Session.CLOSING_GRACE after the timeout. (The login timeout ends the same way.)
     */
    @Test
    void aClientThatNeverReadsIsClosedSoonAfterItsIdleTimeout() throws Exception {
        try (TestServer server = TestServer.start("timeouts.idle=2s");
             Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(5000);
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII), 1);
            assertThat(in.readLine()).startsWith("220");
            s.getOutputStream().write("USER alice\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("331");
            s.getOutputStream().write("PASS secret\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("230");
            AttackEvidence.backUpReplies(server.port(), s);
            long backedUp = System.nanoTime();
            assertThat(ftp.testing.Eventually.holds(java.time.Duration.ofSeconds(60),
                    () -> server.server().activeSessions() == 0)).as("the session is gone").isTrue();
            long ms = (System.nanoTime() - backedUp) / 1_000_000;
            assertThat(ms).as("ms until closed: idle timeout 2 s, then the grace")
                    .isLessThan(Session.CLOSING_GRACE.toMillis() + 15_000);
            // The server closed its end: the client, reading at last, comes to the end of the stream.
            s.setSoTimeout(30_000);
            assertThat(s.getInputStream().readAllBytes()).isNotEmpty();
        }
    }
}
