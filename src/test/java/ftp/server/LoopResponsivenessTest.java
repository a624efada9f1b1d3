package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The selector thread answers cheap commands itself: with every worker of both pools stuck in a transfer
 * nobody reads, NOOP and PWD from another session still come back at once. And long transfers have a pool of
 * their own, so downloads that fill it never hold up another session's listing.
 */
class LoopResponsivenessTest {
    /** A command waiting for a stuck worker would never be answered here; a loaded machine answers far sooner. */
    private static final long LIMIT_NANOS = 5_000_000_000L;

    private static ControlClient login(int port, String user) {
        return ControlClient.loggedIn(port, user, "secret");
    }

    private static Path bigFile(TestServer server) throws Exception {
        Path big = Files.createDirectories(server.home("alice")).resolve("big.bin");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(200L << 20); // sparse: costs no disk
        }
        return big;
    }

    @Test
    void noopAndPwdAreAnsweredWhileEveryWorkerIsBusy() throws Exception {
        try (TestServer server = TestServer.start("workers.threads=1", "workers.transfer_threads=1",
                "timeouts.shutdown=1s")) {
            bigFile(server);
            // A listing of this directory is far larger than the socket buffers, so an unread LIST blocks.
            Path many = Files.createDirectories(server.home("alice").resolve("many"));
            String padding = "x".repeat(200);
            for (int i = 0; i < 40_000; i++) {
                Files.createFile(many.resolve(padding + i));
            }
            try (ControlClient d1 = login(server.port(), "alice");
                 ControlClient d2 = login(server.port(), "alice");
                 ControlClient probe = login(server.port(), "bob");
                 ControlClient third = login(server.port(), "bob")) {
                Socket data1 = d1.openPassive();
                Socket data2 = d2.openPassive();
                try {
                    // Each 150 comes from the worker that runs the command: both pools' only threads are taken,
                    // and neither can finish, since nobody reads.
                    assertThat(d1.command("RETR big.bin")).startsWith("150"); // the transfer pool's only thread
                    assertThat(d2.command("LIST many")).startsWith("150");   // the command pool's only thread

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

    @Test
    void downloadsFillingTheTransferPoolDoNotDelayAListing() throws Exception {
        try (TestServer server = TestServer.start("workers.threads=1", "workers.transfer_threads=2",
                "timeouts.shutdown=1s")) {
            bigFile(server);
            try (ControlClient d1 = login(server.port(), "alice");
                 ControlClient d2 = login(server.port(), "alice");
                 ControlClient lister = login(server.port(), "alice")) {
                Socket data1 = d1.openPassive();
                Socket data2 = d2.openPassive();
                try {
                    // Sent by the transfer threads, both taken now.
                    assertThat(d1.command("RETR big.bin")).startsWith("150");
                    assertThat(d2.command("RETR big.bin")).startsWith("150");
                    long start = System.nanoTime();
                    assertThat(lister.list("LIST")).anyMatch(line -> line.endsWith(" big.bin"));
                    long took = System.nanoTime() - start;
                    assertThat(took).as("LIST took %d ms", took / 1_000_000).isLessThan(LIMIT_NANOS);
                } finally {
                    data1.close();
                    data2.close();
                }
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
