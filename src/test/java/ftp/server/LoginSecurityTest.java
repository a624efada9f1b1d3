package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Brute-force defences of issue 2: same answer for unknown users, slow failures, bans per address. */
class LoginSecurityTest {

    private record Attempt(String reply, long millis) {}

    private static Attempt attempt(ControlClient c, String user, String password) {
        assertThat(c.command("USER " + user)).startsWith("331");
        long start = System.nanoTime();
        String r = c.command("PASS " + password);
        return new Attempt(r, (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void anUnknownUserAndAWrongPasswordGetTheSameSlowReply() {
        Attempt unknown;
        Attempt wrong;
        // A fresh server each, so both are a first failure from the address.
        try (TestServer server = TestServer.start(); ControlClient c = new ControlClient(server.port())) {
            c.expect(220);
            unknown = attempt(c, "mallory", "secret");
        }
        try (TestServer server = TestServer.start(); ControlClient c = new ControlClient(server.port())) {
            c.expect(220);
            wrong = attempt(c, "alice", "not-the-password");
            assertThat(c.command("PWD")).as("still not logged in").startsWith("530");
        }
        assertThat(unknown.reply()).startsWith("530").isEqualTo(wrong.reply());
        assertThat(unknown.millis()).isGreaterThanOrEqualTo(900);
        assertThat(wrong.millis()).isGreaterThanOrEqualTo(900);
        // The same delay step: the next one would differ by a whole second.
        assertThat(Math.abs(unknown.millis() - wrong.millis())).isLessThan(750);
    }

    @Test
    void theDelayGrowsAndMaxFailuresBansTheAddress() throws Exception {
        try (TestServer server = TestServer.start("auth.max_failures=2", "auth.ban_time=60s");
             ControlClient early = new ControlClient(server.port());
             ControlClient other = new ControlClient(server.port(), "127.0.0.2");
             ControlClient c = new ControlClient(server.port())) {
            early.expect(220);
            other.expect(220);
            c.expect(220);
            Attempt first = attempt(c, "alice", "guess1");
            assertThat(first.reply()).startsWith("530");
            assertThat(first.millis()).isGreaterThanOrEqualTo(900);

            Attempt second = attempt(c, "nobody", "guess2");
            assertThat(second.reply()).startsWith("421");
            assertThat(second.millis()).as("the second failure waits longer").isGreaterThanOrEqualTo(1800);
            assertThat(c.reply()).as("closed after the ban").isNull();

            // New connections from the banned address are refused at once.
            try (ControlClient again = new ControlClient(server.port())) {
                assertThat(again.reply()).startsWith("421").contains("failed logins");
                assertThat(again.reply()).isNull();
            }
            // A connection opened before the ban cannot go on guessing, not even with the right password.
            assertThat(early.command("USER alice")).startsWith("331");
            assertThat(early.command("PASS secret")).startsWith("421");
            assertThat(early.reply()).isNull();

            // Another address is not affected.
            assertThat(other.command("USER alice")).startsWith("331");
            assertThat(other.command("PASS secret")).startsWith("230");
        }
    }

    @Test
    void aCorrectLoginWorksAndNoPasswordReachesTheLogOrDisk() throws Exception {
        String password = "pw-" + Long.toHexString(System.nanoTime());
        String wrong = "wrong-" + Long.toHexString(System.nanoTime());
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r.getMessage() + " " + Arrays.toString(r.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger("ftpd");
        log.addHandler(capture);
        try (TestServer server = TestServer.start()) {
            server.accounts().setPassword("bob", password.toCharArray(), TestServer.ITERATIONS);
            try (ControlClient c = new ControlClient(server.port())) {
                c.expect(220);
                assertThat(attempt(c, "bob", wrong).reply()).startsWith("530");
                Attempt ok = attempt(c, "bob", password);
                assertThat(ok.reply()).startsWith("230");
                assertThat(ok.millis()).as("no delay for success (a failure's is 1 s)").isLessThan(800);
                assertThat(c.command("PWD")).startsWith("257 \"/\"");
                assertThat(c.command("PASS again")).startsWith("503");
            }
            try (Stream<Path> files = Files.walk(server.base())) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString())
                            .doesNotContain(password, wrong);
                }
            }
        } finally {
            log.removeHandler(capture);
        }
        assertThat(logged).anyMatch(m -> m.contains("login failed")).anyMatch(m -> m.contains("login ok"));
        assertThat(logged).noneMatch(m -> m.contains(password) || m.contains(wrong));
    }
}
