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
 * and one address holding its per-address cap. Issue 12: idle connections that never log in, from one address or
 * a handful, cannot keep a legitimate user out (they have their own budget, and a newcomer displaces the oldest).
 * The in-process server shares the test JVM, so its file descriptors and threads are this JVM's.
 */
class AttackFloodTest {
    private static final int PASSIVE_FIRST = 61300;
    private static final int PASSIVE_LAST = 61399;

    @Test
    void fiftyPastClientsMaxGet421AtOnceWhileTheAdmittedKeepWorking() throws Exception {
        try (TestServer server = TestServer.start("clients.max=5")) {
            List<ControlClient> admitted = new ArrayList<>();
            try {
                // clients.max counts logged-in users.
                for (int i = 0; i < 5; i++) {
                    admitted.add(ControlClient.loggedIn(server.port(), i % 2 == 0 ? "alice" : "bob", "secret"));
                }
                long slowest = 0;
                for (int i = 0; i < 50; i++) {
                    long start = System.nanoTime();
                    try (ControlClient extra = new ControlClient(server.port())) {
                        assertThat(extra.reply()).startsWith("421").contains("Too many users (limit 5)");
                        assertThat(extra.reply()).isNull();
                    }
                    slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
                }
                // At the door, not after a login or waiting-room timeout of a minute.
                assertThat(slowest).as("ms for the slowest 421").isLessThan(5000);
                assertThat(server.server().activeSessions()).isEqualTo(5);
                assertThat(server.server().loggedInSessions()).isEqualTo(5);
                for (ControlClient c : admitted) {
                    assertThat(c.command("NOOP")).startsWith("200");
                }
                assertThat(admitted.get(0).command("USER alice")).startsWith("503");
                // A slot freed is usable again.
                assertThat(admitted.remove(0).command("QUIT")).startsWith("221");
                assertThat(Eventually.holds(() -> server.server().loggedInSessions() == 4)).isTrue();
                admitted.add(ControlClient.loggedIn(server.port(), "egon", "123"));
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
                    login(c, "alice", "secret");
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

    private static void login(ControlClient c, String user, String password) {
        assertThat(c.command("USER " + user)).startsWith("331");
        assertThat(c.command("PASS " + password)).startsWith("230");
    }

    /** Opens a raw connection from {@code from} that never sends or reads anything. */
    private static Socket idle(int port, String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    /** What the server sent before it closed the connection; null if it is still open after {@code millis}. */
    private static String untilClosed(Socket s, int millis) throws IOException {
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        return closed(s, millis, got) ? got.toString(StandardCharsets.UTF_8) : null;
    }

    /** True when the server closed {@code s} within {@code millis}; what it sent is added to {@code got}. */
    private static boolean closed(Socket s, int millis, java.io.ByteArrayOutputStream got) throws IOException {
        s.setSoTimeout(millis);
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = s.getInputStream().read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (java.net.SocketException reset) {
            // closed with a reset: what came before still counts
        }
        return true;
    }

    /**
     * The lockout of issue 12: with the shipped defaults (clients.max=10), one address and then a handful keep
     * opening idle connections that never log in, far more than clients.max, while a user from another address
     * logs in within seconds. The flood only displaces its own oldest connections (421, closed), so the server
     * never holds more than the budget of connections not logged in.
     */
    @Test
    void idleConnectionsFromOneAddressOrAHandfulNeverKeepAUserFromLoggingIn() throws Exception {
        try (TestServer server = TestServer.start("clients.max_per_ip=default",
                "clients.max_unauthenticated_per_ip=default", "timeouts.login=default")) {
            ServerSettings defaults = server.server().settings();
            assertThat(defaults.maxClients()).isEqualTo(10);
            int budget = defaults.maxUnauthenticated();
            int perAddress = defaults.maxUnauthenticatedPerIp();
            assertThat(perAddress).as("per-address budget").isLessThan(defaults.maxClients());
            try (ControlClient warm = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                warm.list("NLST"); // load classes and start the workers before the baseline
            }
            assertThat(Eventually.holds(() -> server.server().activeSessions() == 0)).isTrue();
            int fdsBefore = AttackEvidence.openFds();

            // One address, then eight: each keeps connecting and never sends a byte.
            for (List<String> attackers : List.of(List.of("127.0.0.1"),
                    List.of("127.0.0.1", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7",
                            "127.0.0.8", "127.0.0.9"))) {
                int each = 40;
                List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
                java.util.concurrent.CountDownLatch pastBudget = new java.util.concurrent.CountDownLatch(attackers.size());
                java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
                ExecutorService pool = Executors.newFixedThreadPool(attackers.size());
                List<Future<Integer>> floods = new ArrayList<>();
                try {
                    for (String from : attackers) {
                        floods.add(pool.submit(() -> {
                            int opened = 0;
                            while (opened < each && !stop.get()) {
                                held.add(idle(server.port(), from));
                                if (++opened == 2 * perAddress) {
                                    pastBudget.countDown();
                                }
                                Thread.sleep(20);
                            }
                            return opened;
                        }));
                    }
                    assertThat(pastBudget.await(60, TimeUnit.SECONDS)).as("the flood got going").isTrue();
                    // The flood goes on while the user logs in, from an address of its own.
                    long start = System.nanoTime();
                    try (ControlClient user = new ControlClient(server.port(), "127.0.0.2")) {
                        user.expect(220);
                        login(user, "bob", "secret");
                        assertThat(user.command("PWD")).startsWith("257");
                        assertThat(user.command("SITE QUOTA")).startsWith("211");
                    }
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    assertThat(ms).as("ms for a login during a flood from %s", attackers).isLessThan(10_000);
                    int opened = 0;
                    for (Future<Integer> f : floods) {
                        opened += f.get(60, TimeUnit.SECONDS);
                    }
                    assertThat(opened).isEqualTo(each * attackers.size()).isGreaterThan(defaults.maxClients());
                    // The server keeps at most its budget of them; the others got 421 and were closed.
                    int kept = Math.min(budget, perAddress * attackers.size());
                    assertThat(Eventually.holds(() -> server.server().activeSessions() <= kept))
                            .as("sessions held for the flood: %d", server.server().activeSessions()).isTrue();
                    java.util.Map<Socket, java.io.ByteArrayOutputStream> notClosed = new java.util.HashMap<>();
                    for (Socket s : held) {
                        notClosed.put(s, new java.io.ByteArrayOutputStream());
                    }
                    int closed = 0;
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (closed < opened - kept && System.nanoTime() - end < 0) {
                        for (var it = notClosed.entrySet().iterator(); it.hasNext(); ) {
                            var e = it.next();
                            if (closed(e.getKey(), 20, e.getValue())) {
                                closed++;
                                it.remove();
                                assertThat(e.getValue().toString(StandardCharsets.UTF_8))
                                        .as("what a displaced connection got")
                                        .matches("(?s)220 [^\r\n]*\r\n421 [^\r\n]*oldest[^\r\n]*\r\n");
                            }
                        }
                    }
                    assertThat(closed).as("displaced and closed").isGreaterThanOrEqualTo(opened - kept);
                } finally {
                    stop.set(true);
                    pool.shutdownNow();
                    for (Socket s : held) {
                        s.close();
                    }
                }
                assertThat(Eventually.holds(() -> server.server().activeSessions() == 0))
                        .as("sessions left: %d", server.server().activeSessions()).isTrue();
            }
            assertThat(Eventually.holds(() -> AttackEvidence.openFds() <= fdsBefore + 5))
                    .as("fds before %d, after %d", fdsBefore, AttackEvidence.openFds()).isTrue();
        }
    }

    /**
     * Which connection goes when the budget is full: the address's own oldest when the address is at its
     * share, else the oldest of the address holding the most; a client that logs in leaves the budget.
     */
    @Test
    void aNewcomerDisplacesTheOldestConnectionOfTheHeaviestAddress() throws Exception {
        try (TestServer server = TestServer.start("clients.max_unauthenticated=5",
                "clients.max_unauthenticated_per_ip=3")) {
            List<Socket> one = new ArrayList<>();
            try (ControlClient loggedIn = ControlClient.loggedIn(server.port(), "alice", "secret");
                 ControlClient two = new ControlClient(server.port(), "127.0.0.2");
                 ControlClient three = new ControlClient(server.port(), "127.0.0.3")) {
                two.expect(220);
                three.expect(220);
                for (int i = 0; i < 3; i++) {
                    one.add(idle(server.port(), "127.0.0.1"));
                }
                // 127.0.0.1 holds its 3 and the budget of 5 is full: its fourth displaces its own first.
                one.add(idle(server.port(), "127.0.0.1"));
                assertThat(untilClosed(one.get(0), 5000)).as("the oldest of 127.0.0.1")
                        .matches("(?s)220 [^\r\n]*\r\n421 Too many connections waiting to log in[^\r\n]*\r\n");
                // A fourth address: the heaviest (127.0.0.1, 3) gives up its oldest, not 127.0.0.2 or .3.
                try (ControlClient four = new ControlClient(server.port(), "127.0.0.4")) {
                    four.expect(220);
                    assertThat(untilClosed(one.get(1), 5000)).as("the second of 127.0.0.1").startsWith("220 ");
                    assertThat(untilClosed(one.get(2), 300)).as("127.0.0.1's third is kept").isNull();
                    login(two, "bob", "secret");
                    login(three, "egon", "123");
                    login(four, "alice", "secret");
                }
                assertThat(loggedIn.command("NOOP")).startsWith("200");
            } finally {
                for (Socket s : one) {
                    s.close();
                }
            }
        }
    }

    /** clients.max counts logged-in users: past it a login gets 421 and the session ends, before and at the door. */
    @Test
    void pastClientsMaxLoggedInTheNextLoginGets421() throws Exception {
        try (TestServer server = TestServer.start("clients.max=2");
             ControlClient first = ControlClient.loggedIn(server.port(), "alice", "secret");
             ControlClient a = new ControlClient(server.port());
             ControlClient b = new ControlClient(server.port())) {
            a.expect(220);
            b.expect(220);
            login(a, "bob", "secret");
            assertThat(b.command("USER egon")).startsWith("331");
            assertThat(b.command("PASS 123")).startsWith("421").contains("Too many users (limit 2)");
            assertThat(b.reply()).isNull();
            try (ControlClient c = new ControlClient(server.port())) {
                assertThat(c.reply()).startsWith("421").contains("Too many users (limit 2)");
                assertThat(c.reply()).isNull();
            }
            assertThat(server.server().loggedInSessions()).isEqualTo(2);
            assertThat(first.command("NOOP")).startsWith("200");
            assertThat(a.command("PWD")).startsWith("257");
        }
    }

    /** By default one address may log in half of clients.max, so it can never take every slot. */
    @Test
    void byDefaultOneAddressHoldsAtMostHalfOfTheLoggedInSlots() throws Exception {
        try (TestServer server = TestServer.start("clients.max_per_ip=default")) {
            assertThat(server.server().settings().maxClientsPerIp()).isEqualTo(5);
            List<ControlClient> mine = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    mine.add(ControlClient.loggedIn(server.port(), "alice", "secret"));
                }
                try (ControlClient sixth = new ControlClient(server.port())) {
                    assertThat(sixth.reply()).startsWith("421").contains("from your address (limit 5)");
                }
                for (int i = 2; i <= 6; i++) {
                    ControlClient other = new ControlClient(server.port(), "127.0.0." + i);
                    mine.add(other);
                    other.expect(220);
                    login(other, "bob", "secret");
                }
                assertThat(server.server().loggedInSessions()).isEqualTo(10);
            } finally {
                for (ControlClient c : mine) {
                    c.close();
                }
            }
        }
    }
}
