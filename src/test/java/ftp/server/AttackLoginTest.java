package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.auth.PasswordHasher;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Attacks on authentication (issue 7): telling unknown users from wrong passwords by reply or timing,
 * guessing from one address, and burning the server's CPU with password hashing.
 */
class AttackLoginTest {
    /** Costly enough that skipping the dummy hash for unknown users would show in the timing. */
    private static final int COSTLY_ITERATIONS = 1_000_000;

    private record Try(String userReply, String passReply, long millis) {}

    /** USER then PASS from {@code from}; the time is from sending PASS to its reply. */
    private static Try tryLogin(int port, String from, String user, String password) {
        try (ControlClient c = new ControlClient(port, from)) {
            c.expect(220);
            String u = c.command("USER " + user);
            long start = System.nanoTime();
            String p = c.command("PASS " + password);
            return new Try(u, p, (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** How long one PBKDF2 run at {@code iterations} takes here, in ms (a first run loads the provider). */
    private static long hashMillis(int iterations) {
        char[] password = "measure-only".toCharArray();
        PasswordHasher.burn(password, 1);
        long start = System.nanoTime();
        PasswordHasher.burn(password, iterations);
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static long median(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    @Test
    void anUnknownUserAndAWrongPasswordLookAndTakeTheSameEvenWithCostlyHashes() throws Exception {
        try (TestServer server = TestServer.start("auth.pbkdf2_iterations=" + COSTLY_ITERATIONS,
                "auth.max_concurrent_hashes=2")) {
            server.accounts().add("carol", "right".toCharArray(), null, COSTLY_ITERATIONS);
            // Names that do not exist cost what the enabled accounts' hashes cost: here carol's alone.
            for (String cheap : new String[] {"alice", "bob", "egon"}) {
                server.accounts().setEnabled(cheap, false);
            }
            // Warm up PBKDF2 in the server (the first run includes class loading and compilation).
            assertThat(tryLogin(server.port(), "127.0.0.20", "carol", "right").passReply()).startsWith("230");
            tryLogin(server.port(), "127.0.0.21", "nobody", "x");
            List<Long> unknown = new ArrayList<>();
            List<Long> wrong = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 3; round++) {
                    // A fresh address each, so every attempt is a first failure with the same delay.
                    String a = "127.0.0." + (30 + 2 * round);
                    String b = "127.0.0." + (31 + 2 * round);
                    Future<Try> u = pool.submit(() -> tryLogin(server.port(), a, "nobody" + round(a), "guess"));
                    Future<Try> w = pool.submit(() -> tryLogin(server.port(), b, "carol", "guess"));
                    Try tu = u.get(30, TimeUnit.SECONDS);
                    Try tw = w.get(30, TimeUnit.SECONDS);
                    assertThat(tu.passReply()).startsWith("530").isEqualTo(tw.passReply());
                    assertThat(tu.userReply().replace("nobody" + round(a), "NAME"))
                            .isEqualTo(tw.userReply().replace("carol", "NAME"));
                    unknown.add(tu.millis());
                    wrong.add(tw.millis());
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(unknown).as("slowed").allMatch(ms -> ms >= 900);
            assertThat(wrong).as("slowed").allMatch(ms -> ms >= 900);
            long hashMillis = hashMillis(COSTLY_ITERATIONS);
            assertThat(hashMillis).as("one hash must cost enough for the timing to tell").isGreaterThan(150);
            assertThat(Math.abs(median(unknown) - median(wrong)))
                    .as("median ms, unknown %s vs wrong password %s (one hash: %d ms)", unknown, wrong, hashMillis)
                    .isLessThan(hashMillis / 2);
        }
    }

    /** True while nothing of a reply has come (nothing is read ahead: replies are read one at a time). */
    private static boolean unanswered(ControlClient c) {
        try {
            return c.socket().getInputStream().available() == 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String round(String address) {
        return address.substring(address.lastIndexOf('.') + 1);
    }

    /** The iteration count in a stored {@code pbkdf2-sha256:ITERATIONS:SALT:HASH}. */
    private static int storedCost(TestServer server, String user) {
        return Integer.parseInt(server.accounts().find(user).orElseThrow().passwordHash().split(":")[1]);
    }

    @Test
    void afterTheAdminRaisesTheCostALoginStoresItsHashAtTheNewCost() {
        int raised = 3 * TestServer.ITERATIONS;
        try (TestServer server = TestServer.start("auth.pbkdf2_iterations=" + raised)) {
            assertThat(storedCost(server, "egon")).isEqualTo(TestServer.ITERATIONS);

            assertThat(tryLogin(server.port(), "127.0.0.1", "egon", "123").passReply()).startsWith("230");

            // Existing users converge on the setting; the decoy for unknown names spreads over the costs the
            // accounts have (DecoyCostTest), and AuthenticatorTest counts the iterations each check spends.
            assertThat(storedCost(server, "egon")).isEqualTo(raised);
            assertThat(storedCost(server, "alice")).as("not logged in yet").isEqualTo(TestServer.ITERATIONS);
            assertThat(tryLogin(server.port(), "127.0.0.1", "egon", "123").passReply()).startsWith("230");
            assertThat(tryLogin(server.port(), "127.0.0.2", "egon", "wrong").passReply()).startsWith("530");
        }
    }

    @Test
    void aHomeBeingMeasuredDelaysNoOtherUsersLogin() throws Exception {
        CountDownLatch measuring = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        // Holds the first home measurement back, as a cold walk of 200,000 folders would.
        UnaryOperator<Executor> holdFirst = pool -> task -> pool.execute(!first.getAndSet(false) ? task : () -> {
            measuring.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        });
        try (TestServer server = TestServer.start(holdFirst);
             ControlClient alice = new ControlClient(server.port())) {
            alice.expect(220);
            assertThat(alice.command("USER alice")).startsWith("331");
            alice.send("PASS secret");
            assertThat(measuring.await(15, TimeUnit.SECONDS)).as("alice's home is being measured").isTrue();

            // bob's home needs its own first measurement; egon's login comes after bob's.
            assertThat(tryLogin(server.port(), "127.0.0.2", "bob", "secret").passReply()).startsWith("230");
            assertThat(tryLogin(server.port(), "127.0.0.3", "egon", "wrong").passReply()).startsWith("530");
            assertThat(unanswered(alice)).as("alice waits for her own home").isTrue();

            release.countDown();
            alice.expect(230);
            assertThat(alice.command("SITE QUOTA")).startsWith("211");
        } finally {
            release.countDown();
        }
    }

    /** The reply to {@code line}, or null when the server had already closed the connection. */
    private static String replyOrClosed(ControlClient c, String line) {
        try {
            return c.command(line);
        } catch (java.io.UncheckedIOException e) {
            return null; // the close was a reset
        }
    }

    /** The session's last words: a 421, then the end of the stream (the read times out after 10 s). */
    private static void assertEnded(ControlClient c) {
        assertThat(c.reply()).startsWith("421");
        assertThat(c.reply()).isNull();
    }

    @Test
    void aDeletedOrDisabledAccountsSessionsEndAndCanChangeNothingMore() throws Exception {
        try (TestServer server = TestServer.start();
             ControlClient idle = ControlClient.loggedIn(server.port(), "alice", "secret");
             ControlClient uploader = ControlClient.loggedIn(server.port(), "alice", "secret");
             ControlClient maker = ControlClient.loggedIn(server.port(), "alice", "secret");
             ControlClient disabled = ControlClient.loggedIn(server.port(), "bob", "secret");
             ControlClient newPassword = ControlClient.loggedIn(server.port(), "egon", "123");
             Socket data = uploader.openPassive()) {
            server.accounts().delete("alice"); // what bin/ftpd user del alice does

            // At once, before the once-a-second check has ended the sessions: nothing reaches the disk.
            String stor = replyOrClosed(uploader, "STOR after.txt");
            if (stor != null && stor.startsWith("150")) {
                data.getOutputStream().write("written after the delete".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(stor).as("STOR after the delete").satisfiesAnyOf(
                    r -> assertThat(r).isNull(), r -> assertThat(r).startsWith("421"));
            assertThat(replyOrClosed(maker, "MKD made")).as("MKD after the delete").satisfiesAnyOf(
                    r -> assertThat(r).isNull(), r -> assertThat(r).startsWith("421"));
            assertEnded(idle);

            server.accounts().setPassword("egon", "456".toCharArray(), TestServer.ITERATIONS);
            server.accounts().setEnabled("bob", false);
            assertEnded(disabled);
            assertThat(newPassword.command("MKD kept")).as("a new password leaves sessions alone").startsWith("257");
            assertThat(server.home("alice").resolve("after.txt")).doesNotExist();
            assertThat(server.home("alice").resolve("made")).doesNotExist();
        }
    }

    @Test
    void guessingFromOneAddressIsSlowedThenBannedWhileAnotherAddressLogsInPromptly() throws Exception {
        try (TestServer server = TestServer.start("auth.max_failures=2", "auth.ban_time=60s")) {
            List<ControlClient> guessers = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    ControlClient c = new ControlClient(server.port(), "127.0.0.1");
                    guessers.add(c);
                    c.expect(220);
                    assertThat(c.command("USER alice")).startsWith("331");
                }
                long guessed = System.nanoTime();
                for (int i = 0; i < 2; i++) {
                    guessers.get(i).send("PASS guess" + i);
                }
                // The guesses are read long before this login's PASS, and answered a second or more after that.
                Try honest = tryLogin(server.port(), "127.0.0.2", "bob", "secret");
                assertThat(honest.passReply()).startsWith("230");
                assertThat(guessers).as("guesses still held back when another address had logged in")
                        .allMatch(AttackLoginTest::unanswered);
                List<String> replies = new ArrayList<>();
                for (ControlClient c : guessers) {
                    replies.add(c.reply().substring(0, 3));
                    assertThat((System.nanoTime() - guessed) / 1_000_000).as("a failed guess is answered late")
                            .isGreaterThanOrEqualTo(900);
                }
                assertThat(replies).containsExactlyInAnyOrder("530", "421");
                assertThat((System.nanoTime() - guessed) / 1_000_000).as("the second failure waits longer")
                        .isGreaterThanOrEqualTo(1800);
            } finally {
                for (ControlClient c : guessers) {
                    c.close();
                }
            }
            try (ControlClient banned = new ControlClient(server.port(), "127.0.0.1")) {
                long t = System.nanoTime();
                assertThat(banned.reply()).startsWith("421");
                assertThat(banned.reply()).isNull();
                // At the door, not at a login timeout of a minute.
                assertThat((System.nanoTime() - t) / 1_000_000).as("refused at once").isLessThan(5000);
            }
            assertThat(tryLogin(server.port(), "127.0.0.3", "alice", "secret").passReply()).startsWith("230");
        }
    }

    /** An IPv6 address of this machine outside ::1's /64, if it has one (the /64 rule is LoginThrottleTest's). */
    private static Optional<InetAddress> ipv6OutsideLoopback() throws SocketException {
        return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet6Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
    }

    private static boolean ipv6LoopbackWorks() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void anIpv6ClientIsBannedAtTheDoorWhileAnotherSlash64LogsIn() throws Exception {
        Assumptions.assumeTrue(ipv6LoopbackWorks(), "no IPv6 loopback here");
        try (TestServer server = TestServer.start("listen.host=::1", "auth.max_failures=2", "auth.ban_time=60s")) {
            for (String expected : new String[] {"530", "421"}) {
                try (ControlClient c = new ControlClient("::1", server.port(), "::1")) {
                    c.expect(220);
                    assertThat(c.command("USER alice")).startsWith("331");
                    assertThat(c.command("PASS guess")).startsWith(expected);
                }
            }
            try (ControlClient banned = new ControlClient("::1", server.port(), "::1")) {
                assertThat(banned.reply()).startsWith("421");
                assertThat(banned.reply()).isNull();
            }
            Optional<InetAddress> other = ipv6OutsideLoopback();
            if (other.isPresent()) {
                try (ControlClient c = new ControlClient("::1", server.port(), other.get().getHostAddress())) {
                    c.expect(220);
                    assertThat(c.command("USER alice")).startsWith("331");
                    assertThat(c.command("PASS secret")).as("from %s", other.get()).startsWith("230");
                }
            }
        }
    }

    @Test
    void aFloodOfBadLoginsDoesNotDelayOtherSessions() throws Exception {
        int flooders = 30;
        try (TestServer server = TestServer.start("auth.pbkdf2_iterations=" + COSTLY_ITERATIONS / 4,
                "auth.max_failures=1000", "clients.max=" + (flooders + 5));
             ControlClient victim = ControlClient.loggedIn(server.port(), "bob", "secret")) {
            server.write("bob", "f.txt", "x".getBytes(StandardCharsets.UTF_8));
            List<ControlClient> flood = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread reader = null;
            try {
                for (int i = 0; i < flooders; i++) {
                    ControlClient c = new ControlClient(server.port(), "127.0.0." + (50 + i % 100));
                    c.expect(220);
                    flood.add(c);
                }
                for (ControlClient c : flood) {
                    c.raw("USER nobody\r\nPASS guess\r\n".repeat(10).getBytes(StandardCharsets.US_ASCII));
                }
                reader = new Thread(() -> {
                    // Read the flood's replies so their connections never back up.
                    while (!stop.get()) {
                        for (ControlClient c : flood) {
                            try {
                                if (c.socket().getInputStream().available() > 0) {
                                    c.socket().getInputStream().skip(c.socket().getInputStream().available());
                                }
                            } catch (java.io.IOException ignored) {
                                // a flood connection the server closed
                            }
                        }
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                reader.start();
                // The flood has been sent: hashing it takes the password thread far longer than the probes below.
                long[] noop = new long[15];
                long[] size = new long[15];
                for (int i = 0; i < noop.length; i++) {
                    long t = System.nanoTime();
                    assertThat(victim.command("NOOP")).startsWith("200");
                    noop[i] = (System.nanoTime() - t) / 1_000_000;
                    t = System.nanoTime();
                    assertThat(victim.command("SIZE f.txt")).isEqualTo("213 1");
                    size[i] = (System.nanoTime() - t) / 1_000_000;
                    Thread.sleep(100);
                }
                // Loose bounds for a busy machine: PBKDF2 on the loop or the workers would hold every command
                // behind up to 300 hashes of a tenth of a second or more each, seconds at a time.
                assertThat(Arrays.stream(noop).max().getAsLong()).as("NOOP ms during the flood: %s",
                        Arrays.toString(noop)).isLessThan(5000);
                assertThat(Arrays.stream(noop).sorted().toArray()[noop.length / 2]).as("median NOOP ms: %s",
                        Arrays.toString(noop)).isLessThan(1000);
                assertThat(Arrays.stream(size).max().getAsLong()).as("SIZE ms (a worker command) during the flood: %s",
                        Arrays.toString(size)).isLessThan(5000);
            } finally {
                stop.set(true);
                if (reader != null) {
                    reader.join();
                }
                for (ControlClient c : flood) {
                    c.close();
                }
            }
        }
    }
}
