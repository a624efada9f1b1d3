package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.server.FtpdCli.Result;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/ftpd} as a user runs it: user management and start/status/stop of a detached server. */
class AdminCliTest {
    private static final Pattern STARTED = Pattern.compile("address=(127\\.0\\.0\\.1):(\\d+)");

    @TempDir
    Path base;

    private Path conf() {
        return base.resolve("conf");
    }

    private Result ftpd(String stdin, String... args) throws Exception {
        return new FtpdCli(base).run(stdin, args);
    }

    private static String login(int port, String user, String password) {
        try (ControlClient c = new ControlClient(port)) {
            c.expect(220);
            c.send("USER " + user);
            c.expect(331);
            return c.command("PASS " + password);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void usersAreManagedAndTheServerStartsReportsAndStops() throws Exception {
        Files.createDirectories(conf());
        Files.writeString(conf().resolve(ServerSettings.FILE_NAME), String.join("\n",
                "listen.port=0", "tls.mode=off", "auth.pbkdf2_iterations=1000", "passive.ports=45000-45999",
                "timeouts.shutdown=2s", ""));
        Path accounts = conf().resolve("accounts.ini");

        Result add = ftpd("first-pw\n", "user", "add", "carol", "--password-stdin", "--quota", "5M");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(Files.readString(accounts)).contains("[carol]").doesNotContain("first-pw");
        assertThat(base.resolve("home/carol")).isDirectory();

        Result list = ftpd(null, "user", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out().lines()).anyMatch(l -> l.matches("carol\\s+5M\\s+.*"));

        assertThat(ftpd(null, "user", "quota", "carol", "7M").exit()).isZero();
        assertThat(ftpd(null, "user", "list").out().lines()).anyMatch(l -> l.matches("carol\\s+7M\\s+.*"));

        Result passwd = ftpd("second-pw\n", "user", "passwd", "carol", "--password-stdin");
        assertThat(passwd.exit()).as(passwd.err()).isZero();
        assertThat(Files.readString(accounts)).doesNotContain("second-pw");

        Result noName = ftpd(null, "user", "add");
        assertThat(noName.exit()).isNotZero();
        assertThat(noName.err()).isNotEmpty();

        Result start = ftpd(null, "start");
        try {
            assertThat(start.exit()).as(start.err()).isZero();
            Matcher m = STARTED.matcher(start.out());
            assertThat(m.find()).as(start.out()).isTrue();
            int port = Integer.parseInt(m.group(2));
            assertThat(accepts(port)).as("start returns once the port accepts").isTrue();

            assertThat(login(port, "carol", "second-pw")).startsWith("230");
            assertThat(login(port, "carol", "first-pw")).startsWith("530");

            // A running server sees account changes without a restart.
            assertThat(ftpd("dave-pw\n", "user", "add", "dave", "--password-stdin").exit()).isZero();
            assertThat(login(port, "dave", "dave-pw")).startsWith("230");
            assertThat(ftpd(null, "user", "del", "dave").exit()).isZero();
            assertThat(login(port, "dave", "dave-pw")).startsWith("530");

            Result status = ftpd(null, "status");
            assertThat(status.exit()).isZero();
            assertThat(status.out()).matches("running pid=\\d+ address=127\\.0\\.0\\.1:" + port + " clients=\\d+");

            Result stop = ftpd(null, "stop");
            assertThat(stop.exit()).as(stop.err()).isZero();
            assertThat(stop.out()).contains("stopped");
            assertThat(accepts(port)).isFalse();

            Result stopped = ftpd(null, "status");
            assertThat(stopped.exit()).isEqualTo(3);
            assertThat(stopped.out()).isEqualTo("stopped");

            assertThat(base.resolve("log/ftpd.log")).content().contains("carol");
            Files.delete(base.resolve("cli.in")); // the test's own copy of the last password
            try (Stream<Path> files = Files.walk(base)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString())
                            .doesNotContain("first-pw", "second-pw", "dave-pw");
                }
            }
        } finally {
            new FtpdCli(base).killLeftover();
        }
    }
}
