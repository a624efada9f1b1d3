package ftp.fs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several processes (not threads: each its own JVM and its own fcntl locks) charge uploads to one user's
 * shared ledger at once, and two are killed with SIGKILL in the middle. The disk never holds more than the
 * quota plus one lease per node; the ledger never counts less than the disk holds; and once the dead
 * nodes' leases expire, a node reclaims them and the ledger equals a fresh measurement.
 */
class SharedLedgerProcessesTest {
    private static final long QUOTA = 2 << 20;
    private static final long CHUNK = 64 << 10;
    private static final long LEASE_MILLIS = 1500;
    private static final int NODES = 4;
    private static final int OPERATIONS = 300;

    @TempDir
    Path home;

    /** A hammer process and what it printed last. */
    private record Node(Process process, AtomicInteger ops, AtomicReference<String> done) {}

    @Test
    void nodesKilledMidWayLeaveALedgerThatSettlesToTheTruth() throws Exception {
        List<Node> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < NODES; i++) {
                nodes.add(start("node" + i, i));
            }
            // Kill two once they are well into their work, while the others go on.
            for (int i = 0; i < 2; i++) {
                Node victim = nodes.get(i);
                awaitUntil(() -> victim.ops().get() >= OPERATIONS / 3 || !victim.process().isAlive(),
                        "node" + i + " to get going");
                victim.process().destroyForcibly();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long peak = 0;
            while (nodes.stream().anyMatch(n -> n.process().isAlive())) {
                assertThat(System.nanoTime()).as("the nodes finish").isLessThan(deadline);
                peak = Math.max(peak, onDisk());
                assertThat(onDisk()).as("the disk never passes the quota by more than a lease per node")
                        .isLessThanOrEqualTo(QUOTA + NODES * CHUNK);
                Thread.sleep(20);  // sampling interval of the watch, not a wait for a state
            }
            for (Node survivor : nodes.subList(2, NODES)) {
                assertThat(survivor.process().exitValue()).as("survivor exit").isZero();
                awaitUntil(() -> survivor.done().get() != null, "the survivors' summaries");
            }
            int refused = 0;
            for (int i = 2; i < NODES; i++) {
                String[] done = nodes.get(i).done().get().split(" ");
                refused += Integer.parseInt(done[2]);
            }
            assertThat(refused).as("the nodes wanted more than the quota, so some uploads were refused")
                    .isPositive();
            System.out.println("peak on disk " + peak + " of quota " + QUOTA + "; refused uploads " + refused);

            LongAdder locks = new LongAdder();
            QuotaLedger checker = QuotaLedger.shared("hammered", OptionalLong.of(QUOTA), OptionalLong.empty(), home,
                    new LeaseTerms("checker", CHUNK, Duration.ofMillis(LEASE_MILLIS), Clock.systemUTC(), locks));
            checker.refresh();
            assertThat(checker.used() + checker.leasedToOthers())
                    .as("before the dead nodes' leases are reclaimed, the ledger counts at least what is on disk")
                    .isGreaterThanOrEqualTo(HomeUsage.measure(home).bytes());
            // The dead nodes' leases expire; the next fold after that measures the home and drops them.
            awaitUntil(() -> {
                checker.refresh();
                return checker.leasedToOthers() == 0 && checker.used() == HomeUsage.measure(home).bytes();
            }, "the dead nodes' leases to be reclaimed and the ledger to equal a fresh measurement");
            assertThat(checker.files()).isEqualTo(HomeUsage.measure(home).files());
            assertThat(locks.sum()).isPositive();
        } finally {
            for (Node n : nodes) {
                n.process().destroyForcibly();
            }
        }
    }

    private long onDisk() throws IOException {
        long sum = 0;
        try (var files = Files.list(home)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    try {
                        sum += QuotaLedger.fileCost(Files.size(f));
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // deleted between the listing and the stat
                    }
                }
            }
        }
        return sum;
    }

    /** The classes of the main and the test tree, wherever the runner loaded them from. */
    static String classPath() throws URISyntaxException {
        return Path.of(QuotaLedger.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + File.pathSeparator
                + Path.of(LedgerHammer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                + File.pathSeparator + System.getProperty("java.class.path");
    }

    private Node start(String name, int seed) throws IOException, URISyntaxException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", classPath(), "-Xmx64m",
                LedgerHammer.class.getName(), home.toString(), name, Long.toString(QUOTA), Long.toString(CHUNK),
                Long.toString(LEASE_MILLIS), Integer.toString(OPERATIONS), Integer.toString(seed))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Node node = new Node(p, new AtomicInteger(), new AtomicReference<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("op ")) {
                        node.ops().incrementAndGet();
                    } else if (line.startsWith("done ")) {
                        node.done().set(line);
                    }
                }
            } catch (IOException e) {
                // the process was killed
            }
        }, "hammer-output-" + name);
        reader.setDaemon(true);
        reader.start();
        return node;
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitUntil(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.holds()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(25);
        }
    }
}
