package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.server.FtpdCli.Result;
import ftp.testing.Eventually;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/ftpd} as a user runs it: user management, start/status/stop of a detached server and its refusals,
 * {@code --conf} for a second conf directory, and {@code run} in the foreground as a service manager runs it.
 */
class AdminCliTest {
    private static final Pattern STARTED = Pattern.compile("address=(127\\.0\\.0\\.1):(\\d+)");
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path base;

    private Path conf() {
        return base.resolve("conf");
    }

    private Result ftpd(String stdin, String... args) throws Exception {
        return new FtpdCli(base).run(stdin, args);
    }

    /** bin/ftpd with exactly {@code args}, no {@code --conf} added. */
    private Result ftpdExactly(String stdin, String... args) throws Exception {
        return new FtpdCli(base).runExactly(stdin, args);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
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
                "timeouts.shutdown=2s", "node.name=ftp-a.1", ""));
        Path accounts = conf().resolve("accounts.ini");

        Result add = ftpd("first-pw\n", "user", "add", "carol", "--password-stdin", "--quota", "5M");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(Files.readString(accounts)).contains("[carol]").doesNotContain("first-pw");
        assertThat(base.resolve("home/carol")).isDirectory();
        assertThat(mode(base.resolve("home/carol"))).as("a new home").isEqualTo("rwx------");

        Result list = ftpd(null, "user", "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out().lines()).anyMatch(l -> l.matches("carol\\s+5\\.00 MiB\\s+.*"));

        assertThat(ftpd(null, "user", "quota", "carol", "7M").exit()).isZero();
        assertThat(ftpd(null, "user", "list").out().lines()).anyMatch(l -> l.matches("carol\\s+7\\.00 MiB\\s+.*"));
        assertThat(ftpd(null, "user", "quota", "carol", "--files", "250").exit()).isZero();
        assertThat(Files.readString(accounts)).contains("files = 250");
        assertThat(ftpd(null, "user", "list").out().lines())
                .anyMatch(l -> l.matches("carol\\s+7\\.00 MiB\\s+0 B\\s+0/250\\s+yes"));
        assertThat(ftpd(null, "user", "quota", "carol").exit()).as("a size or --files is needed").isNotZero();

        Result passwd = ftpd("second-pw\n", "user", "passwd", "carol", "--password-stdin");
        assertThat(passwd.exit()).as(passwd.err()).isZero();
        assertThat(passwd.out()).contains("sessions already logged in continue");
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
            try (ControlClient dave = ControlClient.loggedIn(port, "dave", "dave-pw")) {
                Result del = ftpd(null, "user", "del", "dave");
                assertThat(del.exit()).as(del.err()).isZero();
                assertThat(del.out()).contains("ends the user's sessions");
                assertThat(dave.reply()).as("the deleted user's session").startsWith("421");
                assertThat(dave.reply()).isNull();
            }
            assertThat(login(port, "dave", "dave-pw")).startsWith("530");

            // A disabled account keeps everything but its sessions and its logins, until it is enabled again.
            try (ControlClient carol = ControlClient.loggedIn(port, "carol", "second-pw")) {
                Result disable = ftpd(null, "user", "disable", "carol");
                assertThat(disable.exit()).as(disable.err()).isZero();
                assertThat(disable.out()).contains("ends the user's sessions");
                assertThat(carol.reply()).as("the disabled user's session").startsWith("421");
            }
            assertThat(login(port, "carol", "second-pw")).startsWith("530");
            Result enable = ftpd(null, "user", "enable", "carol");
            assertThat(enable.exit()).as(enable.err()).isZero();
            assertThat(login(port, "carol", "second-pw")).startsWith("230");
            Result unknown = ftpd(null, "user", "disable", "nobody");
            assertThat(unknown.exit()).isNotZero();
            assertThat(unknown.err()).contains("nobody");

            Result status = ftpd(null, "status");
            assertThat(status.exit()).isZero();
            assertThat(status.out()).matches("running pid=\\d+ node=ftp-a\\.1 address=127\\.0\\.0\\.1:" + port
                    + " clients=\\d+ rss=\\d+\\.\\dMiB threads=\\d+");

            Result stop = ftpd(null, "stop");
            assertThat(stop.exit()).as(stop.err()).isZero();
            assertThat(stop.out()).contains("stopped");
            assertThat(accepts(port)).isFalse();

            Result stopped = ftpd(null, "status");
            assertThat(stopped.exit()).isEqualTo(3);
            assertThat(stopped.out()).isEqualTo("stopped");

            assertThat(base.resolve("log/ftpd.log")).content().contains("carol")
                    .containsPattern("(?m)^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ftp-a\\.1 INFO ");
            for (String log : List.of("ftpd.log", "ftpd.out", "xferlog")) {
                assertThat(mode(base.resolve("log").resolve(log))).as(log).isEqualTo("rw-r-----");
            }
            Files.delete(base.resolve("cli.in")); // the test's own copy of the last password
            try (Stream<Path> files = Files.walk(base)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString())
                            .doesNotContain("first-pw", "second-pw", "dave-pw");
                }
            }
        } finally {
            killLeftover();
        }
    }

    @Test
    void helpGoesToStandardOutputAndNoCommandIsAnError() throws Exception {
        Result help = ftpdExactly(null, "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.err()).isEmpty();
        assertThat(help.out()).startsWith("usage: ftpd").contains("start|stop|restart|status|run", "user add",
                "--conf DIR", "DIR's parent", "SIGTERM");

        Result none = ftpdExactly(null);
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).startsWith("usage: ftpd");
    }

    @Test
    void anotherConfDirectoryKeepsItsOwnAccountsAndKeyStore() throws Exception {
        // conf/ beside it has a user of its own: conf2 must neither read nor change conf/accounts.ini.
        Files.createDirectories(conf());
        Files.writeString(conf().resolve("accounts.ini"), "");
        Path conf2 = Files.createDirectories(base.resolve("conf2"));
        Files.writeString(conf2.resolve(ServerSettings.FILE_NAME), String.join("\n", "listen.port=0",
                "tls.mode=optional", "auth.pbkdf2_iterations=1000", "timeouts.shutdown=2s", ""));
        Result add = ftpdExactly("pw-2\n", "--conf", conf2.toString(), "user", "add", "erin", "--password-stdin");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(conf2.resolve("accounts.ini")).content().contains("[erin]");
        assertThat(conf().resolve("accounts.ini")).isEmptyFile();

        Result start = ftpdExactly(null, "--conf", conf2.toString(), "start");
        try {
            assertThat(start.exit()).as(start.err()).isZero();
            Matcher m = STARTED.matcher(start.out());
            assertThat(m.find()).as(start.out()).isTrue();
            assertThat(login(Integer.parseInt(m.group(2)), "erin", "pw-2")).startsWith("230");
            assertThat(conf2.resolve("ftpd.p12")).isRegularFile();
            assertThat(conf().resolve("ftpd.p12")).doesNotExist();
            assertThat(base.resolve("home/erin")).isDirectory();
        } finally {
            Result stop = ftpdExactly(null, "--conf", conf2.toString(), "stop");
            assertThat(stop.exit()).as(stop.err()).isZero();
            killLeftover();
        }
    }

    @Test
    void startRefusesWhatWouldNotServeAndSaysWhyOnStandardError() throws Exception {
        try {
            Files.createDirectories(conf());
            settings("tls.mode=off");
            assertRefused(ftpd(null, "start"), conf().resolve("accounts.ini") + ": no accounts file");

            Files.writeString(conf().resolve("accounts.ini"), "");
            assertRefused(ftpd(null, "start"), "accounts.ini has no accounts");
            assertThat(ftpd("pw\n", "user", "add", "carol", "--password-stdin").exit()).isZero();

            settings("tls.mode=off", "client.max=3");
            assertRefused(ftpd(null, "start"), "unknown setting client.max — did you mean clients.max?");
            settings("tls.mode=of");
            assertRefused(ftpd(null, "start"), "tls.mode=of must be one of off, optional, required, remote");

            settings("tls.mode=optional");
            Files.writeString(conf().resolve("ftpd.p12"), "not a key store");
            assertRefused(ftpd(null, "start"), "cannot read the TLS key store " + conf().resolve("ftpd.p12"));
            Files.delete(conf().resolve("ftpd.p12"));

            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                settings("tls.mode=off", "listen.port=" + taken.getLocalPort());
                assertRefused(ftpd(null, "start"), "cannot listen on 127.0.0.1:" + taken.getLocalPort()
                        + ": Address already in use");
            }
            assertThat(base.resolve("run/ftpd.pid")).doesNotExist();
        } finally {
            killLeftover(); // a start that was not refused
        }
    }

    @Test
    void runServesInTheForegroundLogsToStandardOutputAndExitsZeroOnSigterm() throws Exception {
        Files.createDirectories(conf());
        settings("tls.mode=off", "listen.port=0");
        assertThat(ftpd("pw\n", "user", "add", "carol", "--password-stdin").exit()).isZero();
        // A file, not a pipe: the JDK closes a child's pipe when the child exits, racing the reader for the last lines.
        Path output = base.resolve("run.out");
        Process run = new ProcessBuilder(FtpdCli.script().toString(), "--conf", conf().toString(), "run")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            assertThat(Eventually.holds(() -> portIn(output) > 0)).as("%s", read(output)).isTrue();
            try (ControlClient idle = ControlClient.loggedIn(portIn(output), "carol", "pw")) {
                assertThat(Eventually.holds(() -> read(output).contains("login ok user=carol")))
                        .as("%s", read(output)).isTrue();
                run.destroy(); // SIGTERM, as systemd stops a service
                assertThat(idle.reply()).as("an idle session is told before the server goes").startsWith("421");
            }
            assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(run.exitValue()).as("%s", read(output)).isZero();
            assertThat(read(output)).containsPattern("INFO ftpd stopped\\R");
            assertThat(base.resolve("run/ftpd.pid")).doesNotExist();
        } finally {
            run.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void startAndStatusWriteAnIpv6AddressTheWayItIsTyped() throws Exception {
        Files.createDirectories(conf());
        settings("tls.mode=off", "listen.host=::1");
        assertThat(ftpd("pw\n", "user", "add", "carol", "--password-stdin").exit()).isZero();
        Result start = ftpd(null, "start");
        try {
            assertThat(start.exit()).as(start.err()).isZero();
            Matcher m = Pattern.compile("address=\\[::1]:(\\d+)$").matcher(start.out());
            assertThat(m.find()).as(start.out()).isTrue();
            try (ControlClient c = new ControlClient("::1", Integer.parseInt(m.group(1)), null)) {
                c.expect(220);
                c.send("USER carol");
                c.expect(331);
                assertThat(c.command("PASS pw")).startsWith("230");
            }
            assertThat(ftpd(null, "status").out()).contains("address=[::1]:" + m.group(1) + " ");
        } finally {
            assertThat(ftpd(null, "stop").exit()).isZero();
            killLeftover();
        }
    }

    private static int portIn(Path output) {
        Matcher m = LISTENING.matcher(read(output));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Writes conf/ftpd.properties with test-friendly defaults and {@code lines}. */
    private void settings(String... lines) throws IOException {
        List<String> all = new ArrayList<>(List.of("auth.pbkdf2_iterations=1000", "timeouts.shutdown=2s"));
        all.addAll(List.of(lines));
        if (all.stream().noneMatch(l -> l.startsWith("listen.port="))) {
            all.add("listen.port=0");
        }
        Files.writeString(conf().resolve(ServerSettings.FILE_NAME), String.join("\n", all) + "\n");
    }

    private static void assertRefused(Result start, String reason) {
        assertThat(start.exit()).as(start.out() + start.err()).isEqualTo(1);
        assertThat(start.err()).contains(reason);
        assertThat(start.out()).doesNotContain("started");
    }

    /** If an assertion failed while the server ran, do not leave it behind. */
    private void killLeftover() throws IOException {
        new FtpdCli(base).killLeftover();
    }
}
