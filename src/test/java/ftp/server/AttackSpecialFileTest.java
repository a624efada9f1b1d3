package ftp.server;

import static ftp.server.AttackEvidence.attempt;
import static org.assertj.core.api.Assertions.assertThat;

import ftp.testing.Fifos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A local user swapping a FIFO in for a file and for a folder while clients use them (issue 12, item 4). A
 * read-only open of a FIFO waits for a writer: a server that looks at a name and then opens it would leave the
 * worker in the kernel for good, and a few hits would take every worker. Whatever the interleaving, every
 * command must end with a reply, a download must be the file or a refusal, and the workers must all be free
 * afterwards. Each client gives up on a reply after 10 s (the control socket's timeout), far above any answer.
 */
class AttackSpecialFileTest {
    private static final long RACE_NANOS = 3_000_000_000L;
    private static final String FINAL = "(150 .* / )?(2\\d\\d|350|550) .*";

    /** Swaps each place with its FIFO and back, as fast as it can, until stopped. */
    private static Thread swapper(List<Path> places, List<Path> fifos, AtomicBoolean stop, AtomicInteger swaps) {
        Thread t = new Thread(() -> {
            try {
                while (!stop.get()) {
                    for (int i = 0; i < places.size(); i++) {
                        Path place = places.get(i);
                        Path aside = place.resolveSibling(place.getFileName() + "-real");
                        Files.move(place, aside, StandardCopyOption.ATOMIC_MOVE);
                        Files.move(fifos.get(i), place, StandardCopyOption.ATOMIC_MOVE);
                        Thread.yield();
                        Files.move(place, fifos.get(i), StandardCopyOption.ATOMIC_MOVE);
                        Files.move(aside, place, StandardCopyOption.ATOMIC_MOVE);
                    }
                    swaps.incrementAndGet();
                    Thread.yield();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "attack-fifo-swapper");
        t.setDaemon(true);
        return t;
    }

    /** A client that runs {@code round} until the race ends or a reply fails to come. */
    private static Thread client(TestServer server, String name, List<String> unanswered, List<String> wrong,
                                 ClientRound round) {
        return new Thread(() -> {
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                long end = System.nanoTime() + RACE_NANOS;
                while (System.nanoTime() < end) {
                    for (String reply : round.run(c)) {
                        if (reply == null || !reply.matches(FINAL)) {
                            synchronized (wrong) {
                                wrong.add(name + ": " + reply);
                            }
                        }
                    }
                }
            } catch (UncheckedIOException e) {
                synchronized (unanswered) {
                    unanswered.add(name + ": " + e.getCause());
                }
            }
        }, "attack-client-" + name);
    }

    private interface ClientRound {
        List<String> run(ControlClient c);
    }

    @Test
    void aFifoSwappedInForAFileOrAFolderNeverHoldsAWorker() throws Exception {
        try (TestServer server = TestServer.start("workers.threads=2", "workers.transfer_threads=2")) {
            Path home = Files.createDirectories(server.home("alice")).toRealPath();
            byte[] content = new byte[64 * 1024];
            new Random(12).nextBytes(content);
            server.write("alice", "file.bin", content);
            server.write("alice", "dir/inside.txt", content);
            List<Path> fifos = List.of(Fifos.make(home.resolve("file.bin-fifo")), Fifos.make(home.resolve("dir-fifo")));
            List<String> unanswered = new ArrayList<>();
            List<String> wrong = new ArrayList<>();
            int[] downloads = new int[2]; // [served whole, refused]
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger swaps = new AtomicInteger();
            Thread swapper = swapper(List.of(home.resolve("file.bin"), home.resolve("dir")), fifos, stop, swaps);
            List<Thread> clients = List.of(
                    client(server, "digests", unanswered, wrong, c -> List.of(c.command("RANG 0 100"),
                            c.command("HASH file.bin"), c.command("MFMT 20200101000000 file.bin"),
                            c.command("SIZE file.bin"))),
                    client(server, "folders", unanswered, wrong, c -> List.of(c.command("CWD dir"),
                            c.command("CWD /"), c.command("MFMT 20200101000000 dir"),
                            attempt(c, "LIST dir", null).replies())),
                    client(server, "downloads", unanswered, wrong, c -> {
                        AttackEvidence.Attempt a = attempt(c, "RETR file.bin", null);
                        synchronized (downloads) {
                            downloads[a.replies().startsWith("150") ? 0 : 1]++;
                        }
                        boolean whole = a.received().length == 0 || Arrays.equals(a.received(), content);
                        return List.of(whole ? a.replies() : "RETR sent something else: " + a.replies());
                    }));
            swapper.start();
            clients.forEach(Thread::start);
            try {
                for (Thread t : clients) {
                    t.join();
                }
            } finally {
                stop.set(true);
                swapper.join();
                for (Path fifo : fifos) {
                    Fifos.release(fifo); // frees any thread a failing server left waiting on one
                }
            }
            assertThat(unanswered).as("commands left without a reply: a worker waits on a FIFO").isEmpty();
            assertThat(wrong).as("replies other than success or refusal").isEmpty();
            assertThat(swaps.get()).as("the swapper really raced").isGreaterThan(100);
            assertThat(downloads[0]).as("some downloads met the file").isPositive();
            assertThat(downloads[1]).as("some met the FIFO and were refused").isPositive();
            // Every worker of both pools is free: more digests and downloads than threads all complete.
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                for (int i = 0; i < 4; i++) {
                    assertThat(c.command("RANG 0 " + (10 + i))).startsWith("350");
                    assertThat(c.command("HASH dir/inside.txt")).startsWith("213");
                    assertThat(attempt(c, "RETR dir/inside.txt", null).received()).isEqualTo(content);
                }
            }
        }
    }
}
