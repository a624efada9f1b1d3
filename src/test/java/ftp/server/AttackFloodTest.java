package ftp.server;

import ftp.testing.Eventually;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Connection floods (issue 7): more clients than {@code clients.max}, ten thousand connect-then-reset cycles,
 * and one address holding its per-address cap. The in-process server shares the test JVM, so its file
 * descriptors and threads are this JVM's.
 */
class AttackFloodTest {
    private static final int PASSIVE_FIRST = 61300;
    private static final int PASSIVE_LAST = 61399;

    @Test
    void fiftyPastClientsMaxGet421AtOnceWhileTheAdmittedKeepWorking() throws Exception {
        try (TestServer server = TestServer.start("clients.max=5")) {
            List<ControlClient> admitted = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    ControlClient c = new ControlClient(server.port());
                    c.expect(220);
                    admitted.add(c);
                }
                long slowest = 0;
                for (int i = 0; i < 50; i++) {
                    long start = System.nanoTime();
                    try (ControlClient extra = new ControlClient(server.port())) {
                        assertThat(extra.reply()).startsWith("421");
                        assertThat(extra.reply()).isNull();
                    }
                    slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
                }
                // At the door, not after a login or waiting-room timeout of a minute.
                assertThat(slowest).as("ms for the slowest 421").isLessThan(5000);
                assertThat(server.server().activeSessions()).isEqualTo(5);
                for (ControlClient c : admitted) {
                    assertThat(c.command("NOOP")).startsWith("200");
                }
                assertThat(admitted.get(0).command("USER alice")).startsWith("331");
                assertThat(admitted.get(0).command("PASS secret")).startsWith("230");
            } finally {
                for (ControlClient c : admitted) {
                    c.close();
                }
            }
        }
    }

    @Test
    void tenThousandConnectThenResetCyclesLeaveSessionsFdsAndThreadsAtBaseline() throws Exception {
        try (TestServer server = TestServer.start("clients.max=100",
                "passive.ports=" + PASSIVE_FIRST + "-" + PASSIVE_LAST)) {
            // Warm up: first connections load classes and start the worker threads.
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                c.list("NLST");
            }
            assertThat(Eventually.holds(() -> server.server().activeSessions() == 0)).isTrue();
            int fdsBefore = AttackEvidence.openFds();
            int threadsBefore = AttackEvidence.liveThreads();

            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Integer>> runs = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int offset = t;
                    runs.add(pool.submit(() -> connectAndReset(server.port(), 5000, offset)));
                }
                int cycles = 0;
                for (Future<Integer> f : runs) {
                    cycles += f.get(120, TimeUnit.SECONDS);
                }
                assertThat(cycles).isEqualTo(10_000);
            } finally {
                pool.shutdownNow();
            }
            // Resets in the middle of a logged-in session with a passive listener open.
            for (int i = 0; i < 100; i++) {
                ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret");
                c.command("EPSV");
                AttackEvidence.reset(c.socket());
            }
            assertThat(Eventually.holds(() -> server.server().activeSessions() == 0))
                    .as("sessions left: %d", server.server().activeSessions()).isTrue();
            assertThat(Eventually.holds(() -> AttackEvidence.openFds() <= fdsBefore + 5))
                    .as("fds before %d, after %d", fdsBefore, AttackEvidence.openFds()).isTrue();
            assertThat(Eventually.holds(() -> AttackEvidence.liveThreads() <= threadsBefore + 2))
                    .as("threads before %d, after %s", threadsBefore, AttackEvidence.serverSideThreads()).isTrue();
            assertThat(Eventually.holds(() -> AttackEvidence.listenersInRange(PASSIVE_FIRST, PASSIVE_LAST) == 0))
                    .isTrue();
            try (ControlClient c = ControlClient.loggedIn(server.port(), "bob", "secret")) {
                assertThat(c.command("NOOP")).startsWith("200");
            }
        }
    }

    /** Connects and resets {@code n} times; every tenth first sends a command, every seventh reads the greeting. */
    private static int connectAndReset(int port, int n, int offset) throws IOException {
        byte[] user = "USER alice\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < n; i++) {
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                if ((i + offset) % 10 == 0) {
                    s.getOutputStream().write(user);
                }
                if ((i + offset) % 7 == 0) {
                    s.setSoTimeout(2000);
                    s.getInputStream().read();
                }
            } catch (IOException refusedOrReset) {
                // a 421 at the door or a reset race: the cycle still counts
            } finally {
                AttackEvidence.reset(s);
            }
        }
        return n;
    }

    @Test
    void anotherAddressStillConnectsWhileOneSitsAtItsPerAddressCap() throws Exception {
        try (TestServer server = TestServer.start("clients.max=20", "clients.max_per_ip=3")) {
            List<ControlClient> hogs = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    ControlClient c = new ControlClient(server.port(), "127.0.0.1");
                    c.expect(220);
                    hogs.add(c);
                }
                for (int i = 0; i < 10; i++) {
                    try (ControlClient more = new ControlClient(server.port(), "127.0.0.1")) {
                        assertThat(more.reply()).startsWith("421").contains("your address");
                    }
                }
                for (String other : List.of("127.0.0.2", "127.0.0.3")) {
                    long start = System.nanoTime();
                    try (ControlClient c = new ControlClient(server.port(), other)) {
                        c.expect(220);
                        assertThat(c.command("USER bob")).startsWith("331");
                        assertThat(c.command("PASS secret")).startsWith("230");
                        assertThat(c.command("PWD")).startsWith("257");
                    }
                    assertThat((System.nanoTime() - start) / 1_000_000).as("ms for %s", other).isLessThan(5000);
                }
                assertThat(hogs.get(0).command("QUIT")).startsWith("221");
                assertThat(hogs.get(0).reply()).isNull();
                assertThat(Eventually.holds(() -> {
                    try (ControlClient again = new ControlClient(server.port(), "127.0.0.1")) {
                        return again.reply().startsWith("220");
                    }
                })).as("a freed slot is usable again").isTrue();
            } finally {
                for (ControlClient c : hogs) {
                    c.close();
                }
            }
        }
    }
}
