package ftp.server;

import static ftp.server.AttackEvidence.attempt;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The time-of-check-to-time-of-use race on the jail (issue 7, and issue 12 for MKD): while a thread keeps
 * swapping a directory of the home for a symbolic link out of it, clients loop reads and writes through that
 * directory. Whatever the interleaving, a read returns the inside file or a refusal, and a write or a new
 * folder lands inside or nowhere.
 */
class AttackSymlinkRaceTest {
    private static final long RACE_NANOS = 2_500_000_000L;
    private static final String INSIDE = "inside the home only\n";

    /** Swaps {@code name} between a real directory and a link to {@code target}, as fast as it can. */
    private static Thread swapper(Path home, String name, Path target, AtomicBoolean stop, AtomicInteger swaps)
            throws IOException {
        Path place = home.resolve(name);
        Path realAside = home.resolve(name + "-real");
        Path linkAside = home.resolve(name + "-link");
        Files.createSymbolicLink(linkAside, target);
        Thread t = new Thread(() -> {
            try {
                while (!stop.get()) {
                    Files.move(place, realAside, StandardCopyOption.ATOMIC_MOVE);
                    try {
                        Files.move(linkAside, place, StandardCopyOption.ATOMIC_MOVE);
                    } catch (FileSystemException remade) {
                        // The server makes a missing bookkeeping folder again: take that empty one away too.
                        Files.delete(place);
                        Files.move(linkAside, place, StandardCopyOption.ATOMIC_MOVE);
                    }
                    Thread.yield();
                    Files.move(place, linkAside, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(realAside, place, StandardCopyOption.ATOMIC_MOVE);
                    swaps.incrementAndGet();
                    Thread.yield();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "attack-swapper-" + name);
        t.setDaemon(true);
        return t;
    }

    @Test
    void swappingADirectoryForALinkToEtcNeverLetsAReadOrWriteOut() throws Exception {
        byte[] etcPasswd = Files.readAllBytes(Path.of("/etc/passwd"));
        assertThat(etcPasswd.length).as("the test needs /etc/passwd to differ from the inside file")
                .isNotEqualTo(INSIDE.length());
        try (TestServer server = TestServer.start()) {
            Path home = Files.createDirectories(server.home("alice")).toRealPath();
            Path outside = Files.createDirectories(server.base().resolve("outside")).toRealPath();
            server.write("alice", "sub/passwd", INSIDE.getBytes(StandardCharsets.UTF_8));
            Files.createDirectories(home.resolve("wsub"));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger swaps = new AtomicInteger();
            Thread readSwapper = swapper(home, "sub", Path.of("/etc"), stop, swaps);
            Thread writeSwapper = swapper(home, "wsub", outside, stop, swaps);
            List<String> wrong = new ArrayList<>();
            int[] reads = new int[2]; // [served, refused]
            int[] writes = new int[2];
            int[] probes = new int[2];
            Thread prober = new Thread(() -> {
                try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                    long end = System.nanoTime() + RACE_NANOS;
                    String md5 = HashCommandsTest.md5(INSIDE.getBytes(StandardCharsets.UTF_8));
                    while (System.nanoTime() < end) {
                        for (String r : List.of(c.command("SIZE sub/passwd"), c.command("HASH sub/passwd"),
                                c.command("MLST sub/passwd"))) {
                            if (r.startsWith("550")) {
                                probes[1]++;
                            } else if (r.equals("213 " + INSIDE.length()) || r.contains(" " + md5 + " ")
                                    || r.startsWith("250") && r.contains("size=" + INSIDE.length() + ";")) {
                                probes[0]++;
                            } else {
                                synchronized (wrong) {
                                    wrong.add(r);
                                }
                            }
                        }
                    }
                }
            });
            Thread writer = new Thread(() -> {
                try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                    long end = System.nanoTime() + RACE_NANOS;
                    byte[] pwned = "pwned\n".getBytes(StandardCharsets.UTF_8);
                    for (int i = 0; System.nanoTime() < end; i++) {
                        String r = attempt(c, "STOR wsub/new" + (i % 8) + ".txt", pwned).replies();
                        writes[r.endsWith("226 Transfer complete (6 bytes received).") ? 0 : 1]++;
                        if (!r.matches("150 .* / 226 .*|55[0-9] .*")) {
                            synchronized (wrong) {
                                wrong.add(r); // a 451 here once meant a stored upload was reported as failed
                            }
                        }
                        String m = c.command("MKD wsub/d" + (i % 8));
                        if (!m.startsWith("257") && !m.startsWith("550")) {
                            synchronized (wrong) {
                                wrong.add(m);
                            }
                        }
                    }
                }
            });
            readSwapper.start();
            writeSwapper.start();
            prober.start();
            writer.start();
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                long end = System.nanoTime() + RACE_NANOS;
                while (System.nanoTime() < end) {
                    AttackEvidence.Attempt a = attempt(c, "RETR sub/passwd", null);
                    if (a.replies().startsWith("150")) {
                        reads[0]++;
                        assertThat(new String(a.received(), StandardCharsets.UTF_8))
                                .as("a RETR during the swap race").isEqualTo(INSIDE);
                    } else {
                        reads[1]++;
                        assertThat(a.replies()).startsWith("550");
                    }
                }
            } finally {
                prober.join();
                writer.join();
                stop.set(true);
                readSwapper.join();
                writeSwapper.join();
            }
            assertThat(wrong).as("replies that showed something outside the home").isEmpty();
            assertThat(swaps.get()).as("the swappers really raced").isGreaterThan(100);
            assertThat(reads[0]).as("some reads were served from inside").isPositive();
            assertThat(reads[1]).as("some reads met the link and were refused").isPositive();
            assertThat(probes[0] + probes[1]).isGreaterThan(100);
            assertThat(writes[0] + writes[1]).isGreaterThan(20);
            try (var left = Files.list(outside)) {
                assertThat(left.toList()).as("nothing was written outside the home").isEmpty();
            }
            assertThat(Files.readAllBytes(Path.of("/etc/passwd"))).isEqualTo(etcPasswd);
        }
    }

    @Test
    void swappingTheBookkeepingFolderOrAParentForALinkOutNeverLetsMkdCreateOutside() throws Exception {
        try (TestServer server = TestServer.start()) {
            Path home = Files.createDirectories(server.home("alice")).toRealPath();
            Path outside = Files.createDirectories(server.base().resolve("outside")).toRealPath();
            Files.createDirectories(home.resolve("sub"));
            List<String> wrong = new ArrayList<>();
            int[] made = new int[2]; // [in the home, in the swapped folder]
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger swaps = new AtomicInteger();
            // Log in first: a login finds the bookkeeping folder replaced by a link and refuses the session.
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                Thread bookkeepingSwapper = swapper(home, ".upload", outside, stop, swaps);
                Thread parentSwapper = swapper(home, "sub", outside, stop, swaps);
                bookkeepingSwapper.start();
                parentSwapper.start();
                try {
                    long end = System.nanoTime() + RACE_NANOS;
                    for (int i = 0; System.nanoTime() < end; i++) {
                        for (String dir : List.of("d" + (i % 8), "sub/d" + (i % 8))) {
                            String mkd = c.command("MKD " + dir);
                            String rmd = c.command("RMD " + dir);
                            if (mkd.startsWith("257")) {
                                made[dir.startsWith("sub") ? 1 : 0]++;
                            }
                            if (!mkd.matches("257 .*|550 .*") || !rmd.matches("250 .*|550 .*")) {
                                wrong.add(dir + ": " + mkd + " / " + rmd);
                            }
                        }
                    }
                } finally {
                    stop.set(true);
                    bookkeepingSwapper.join();
                    parentSwapper.join();
                }
                assertThat(c.command("NOOP")).startsWith("200");
            }
            assertThat(swaps.get()).as("the swappers really raced").isGreaterThan(100);
            try (var left = Files.list(outside)) {
                assertThat(left.toList()).as("nothing was created outside the home").isEmpty();
            }
            assertThat(made[0]).as("MKD kept working in the home").isPositive();
            assertThat(made[1]).as("and in the folder whenever it was real").isPositive();
            assertThat(wrong).as("replies other than created, removed or refused").isEmpty();
            try (var left = Files.list(home)) {
                assertThat(left.map(p -> p.getFileName().toString()))
                        .as("no staged folder is left in the home")
                        .allMatch(n -> n.equals(".upload") || n.startsWith(".upload-") || n.startsWith("sub"));
            }
        }
    }
}
