package ftp.cluster;

import ftp.server.ControlClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Nodes sharing one home root and one accounts file, behind the real HAProxy (TCP mode, PROXY v2): one quota
 * per user across them, uploads that resume on another node after a SIGKILL, and admin changes made through
 * one node's conf that apply on every node.
 */
class ClusterQuotaTest {
    private static final long MIB = 1 << 20;
    private static final long QUOTA = 20 * MIB;
    private static final long LEASE = MIB;

    @TempDir
    Path dir;

    @BeforeAll
    static void haproxyIsInstalled() {
        // .ci/run installs it; a machine without it cannot run these tests, and says so rather than passing.
        assumeTrue(Haproxy.installed(), "haproxy is not installed (apt-get install haproxy; .ci/run does)");
    }

    private ClusterNodes nodes(int count) {
        return ClusterNodes.start(dir.resolve("cluster"), count, "quota.default=" + QUOTA,
                "quota.lease_size=" + LEASE, "quota.lease_time=2s", "clients.max=40", "clients.max_per_ip=100");
    }

    /** A client logged in through the balancer; which node it reached shows in its passive port. */
    private static ControlClient loggedIn(Haproxy lb) {
        return ProxyAddressTest.loggedIn(lb, "127.0.0.1");
    }

    @Test
    void clientsOfOneUserOnSeveralNodesNeverPassTheQuotaByMoreThanALeasePerNode() throws Exception {
        int clients = 6;
        byte[] eight = new byte[8 << 20];
        new Random(16).nextBytes(eight);
        try (ClusterNodes nodes = nodes(3);
             Haproxy lb = Haproxy.in(dir.resolve("lb")).backends(nodes.ports()).start()) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<ControlClient> logged = new ArrayList<>();
            Set<Integer> reached = new HashSet<>();
            try {
                for (int i = 0; i < clients; i++) {
                    ControlClient c = loggedIn(lb);
                    logged.add(c);
                    reached.add(ClusterNodes.nodeOfPassivePort(c.epsvPort()));
                }
                assertThat(reached).as("the balancer spread the clients over the nodes").hasSizeGreaterThan(1);
                List<Future<String>> replies = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    ControlClient c = logged.get(i);
                    String name = "f" + i + ".bin";
                    replies.add(pool.submit(() -> c.upload("STOR " + name, eight)));
                }
                int stored = 0;
                int refused = 0;
                for (Future<String> f : replies) {
                    String reply = f.get(120, TimeUnit.SECONDS);
                    assertThat(reply).as("each upload is stored or cleanly refused").matches("(?s)(226|552).*");
                    if (reply.startsWith("226")) {
                        stored++;
                    } else {
                        refused++;
                    }
                }
                long onDisk = cost(nodes.homeRoot().resolve("alice"));
                System.out.println("6 x 8 MiB under a 20 MiB quota on 3 nodes: " + stored + " stored, " + refused
                        + " refused, " + onDisk + " bytes on disk");
                assertThat(onDisk).isLessThanOrEqualTo(QUOTA + 3 * LEASE);
                assertThat(refused).as("48 MiB do not fit in 20 MiB").isPositive();
                assertThat(stored).isPositive();
                ControlClient any = logged.get(0);
                awaitUntil(() -> usedOf(any) == cost(nodes.homeRoot().resolve("alice")),
                        "SITE QUOTA to equal a fresh measurement");
            } finally {
                pool.shutdownNow();
                logged.forEach(ControlClient::close);
            }
        }
    }

    @Test
    void anUploadCutByASigkilledNodeResumesThroughTheBalancerOnAnother() throws Exception {
        byte[] whole = new byte[16 << 20];
        new Random(9).nextBytes(whole);
        int cut = 6 << 20;
        Path file = dir.resolve("cluster/home/alice/big.bin");
        try (ClusterNodes nodes = nodes(2);
             Haproxy lb = Haproxy.in(dir.resolve("lb")).backends(nodes.ports()).healthChecks(true).start()) {
            int victim;
            try (ControlClient c = loggedIn(lb); Socket data = c.openPassive()) {
                victim = ClusterNodes.nodeOfPassivePort(data.getPort());
                c.send("STOR big.bin");
                c.expect(150);
                OutputStream out = data.getOutputStream();
                out.write(whole, 0, cut);
                out.flush();
                awaitUntil(() -> size(file) >= cut, "the first part on disk");
                nodes.kill(victim);
            }
            long kept = size(file);
            assertThat(kept).isEqualTo(cut);
            ControlClient c = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (c == null) {
                assertThat(System.nanoTime()).as("a node to answer through the balancer").isLessThan(deadline);
                try {
                    c = loggedIn(lb);
                } catch (RuntimeException | AssertionError refused) {
                    Thread.sleep(100);  // the balancer has not yet marked the dead node down
                }
            }
            try (ControlClient other = c) {
                assertThat(ClusterNodes.nodeOfPassivePort(other.epsvPort())).isNotEqualTo(victim);
                assertThat(other.command("SITE UPLOADS")).contains(" /big.bin");
                assertThat(other.command("SIZE big.bin")).isEqualTo("213 " + kept);
                assertThat(other.command("REST " + kept)).startsWith("350");
                assertThat(other.upload("STOR big.bin", Arrays.copyOfRange(whole, (int) kept, whole.length)))
                        .startsWith("226");
                assertThat(other.command("HASH big.bin"))
                        .isEqualTo("213 MD5 0-" + whole.length + " " + md5(whole) + " /big.bin");
                assertThat(other.command("SITE UPLOADS")).doesNotContain("big.bin");
                // The dead node's lease expires (quota.lease_time=2s); then the ledger is measured afresh.
                awaitUntil(() -> usedOf(other) == cost(nodes.homeRoot().resolve("alice")),
                        "SITE QUOTA to equal a fresh measurement after the dead node's lease expired");
            }
        }
    }

    @Test
    void aQuotaSetThroughOneNodesConfAppliesOnEveryNode() throws Exception {
        try (ClusterNodes nodes = nodes(2);
             Haproxy lb = Haproxy.in(dir.resolve("lb")).backends(nodes.ports()).start()) {
            assertThat(nodes.admin(0, "user", "quota", "alice", "3M")).isZero();
            Set<Integer> seen = new HashSet<>();
            awaitUntil(() -> {
                try (ControlClient c = loggedIn(lb)) {
                    if (c.command("SITE QUOTA").contains("\nlimit: " + 3 * MIB + "\n")) {
                        seen.add(ClusterNodes.nodeOfPassivePort(c.epsvPort()));
                    }
                }
                return seen.size() == 2;
            }, "both nodes to apply the new quota");
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /** What the home costs, priced as the quota prices it (a file its size but at least 4096, a folder 4096). */
    private static long cost(Path home) {
        try (Stream<Path> all = Files.walk(home)) {
            return all.filter(p -> !p.equals(home) && !p.startsWith(home.resolve(".upload")))
                    .mapToLong(p -> Files.isDirectory(p) ? 4096 : Math.max(4096, size(p))).sum();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static long usedOf(ControlClient c) {
        String r = c.command("SITE QUOTA");
        return Long.parseLong(r.replaceAll("(?s).*\nused: (\\d+)\n.*", "$1"));
    }

    private static String md5(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    private static void awaitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
