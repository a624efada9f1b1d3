package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The selector thread answers cheap commands itself: with every worker stuck in a transfer nobody reads,
 * NOOP and PWD from another session still come back at once.
 */
class LoopResponsivenessTest {
    private static final long LIMIT_NANOS = 200_000_000L;

    private static ControlClient login(int port, String user) {
        return ControlClient.loggedIn(port, user, "secret");
    }

    @Test
    void noopAndPwdAreAnsweredWhileEveryWorkerIsBusy() throws Exception {
        try (TestServer server = TestServer.start("workers.threads=2", "timeouts.shutdown=1s")) {
            Path big = Files.createDirectories(server.home("alice")).resolve("big.bin");
            try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
                f.setLength(200L << 20); // sparse: costs no disk
            }
            try (ControlClient d1 = login(server.port(), "alice");
                 ControlClient d2 = login(server.port(), "alice");
                 ControlClient probe = login(server.port(), "bob");
                 ControlClient third = login(server.port(), "bob")) {
                Socket data1 = d1.openPassive();
                Socket data2 = d2.openPassive();
                try {
                    assertThat(d1.command("RETR big.bin")).startsWith("150");
                    assertThat(d2.command("RETR big.bin")).startsWith("150");
                    Thread.sleep(300); // both workers now block on full socket buffers

                    // Proof that no worker is free: a disk command waits in the queue.
                    probe.send("MKD waits");
                    probe.socket().setSoTimeout(300);
                    assertThat(readTimesOut(probe)).as("MKD must wait for a worker").isTrue();

                    for (int i = 0; i < 5; i++) {
                        long start = System.nanoTime();
                        assertThat(third.command("NOOP")).startsWith("200");
                        assertThat(third.command("PWD")).startsWith("257 \"/\"");
                        long took = System.nanoTime() - start;
                        assertThat(took).as("NOOP+PWD took %d ms", took / 1_000_000).isLessThan(LIMIT_NANOS);
                    }
                    assertThat(third.command("TYPE I")).startsWith("200");
                    assertThat(third.command("FEAT")).startsWith("211-");
                } finally {
                    data1.close();
                    data2.close();
                }
                // Closing the data connections ends both transfers; the queued command then runs.
                probe.socket().setSoTimeout(10_000);
                assertThat(probe.reply()).startsWith("257 \"/waits\"");
                assertThat(d1.reply()).startsWith("426");
                assertThat(d2.reply()).startsWith("426");
            }
        }
    }

    private static boolean readTimesOut(ControlClient c) {
        try {
            String r = c.reply();
            throw new AssertionError("answered while all workers were busy: " + r);
        } catch (java.io.UncheckedIOException e) {
            return e.getCause() instanceof java.net.SocketTimeoutException;
        }
    }
}
