package ftp.server;

import ftp.auth.AccountStore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of a real server process in the middle of an upload: after a restart the partial file and
 * its record are there (SITE UPLOADS), REST+STOR completes it, HASH gives the MD5 of the whole file, and
 * SITE QUOTA counts exactly what is on disk.
 */
class ResumeAfterKillTest {
    private static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+)");

    @TempDir
    Path base;

    @Test
    void uploadSurvivesKillMinus9AndResumes() throws Exception {
        Path conf = Files.createDirectories(base.resolve("conf"));
        Files.writeString(conf.resolve(ServerSettings.FILE_NAME), String.join("\n",
                "listen.port=0", "tls.mode=off", "passive.ports=45000-45999", "quota.default=200M",
                "auth.pbkdf2_iterations=" + TestServer.ITERATIONS, ""));
        new AccountStore(conf.resolve("accounts.ini"), OptionalLong.empty(), OptionalLong.empty())
                .add("alice", "secret".toCharArray(), null, TestServer.ITERATIONS);
        Path home = base.resolve("home/alice");
        Files.createDirectories(home);
        Files.write(home.resolve("other.bin"), new byte[12_345]);
        byte[] whole = new byte[40 << 20];
        new Random(9).nextBytes(whole);
        long cut;

        Process first = startServer(conf);
        try (ControlClient c = ControlClient.loggedIn(portOf(first), "alice", "secret");
             Socket data = c.openPassive()) {
            c.send("STOR big.bin");
            c.expect(150);
            OutputStream out = data.getOutputStream();
            out.write(whole, 0, 20 << 20);
            out.flush();
            TransferCommandsTest.waitForSize(home.resolve("big.bin"), 20 << 20);
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no chance to tidy up
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            first.destroyForcibly();
        }
        cut = Files.size(home.resolve("big.bin"));
        assertThat(cut).isEqualTo(20 << 20);

        Process second = startServer(conf);
        try (ControlClient c = ControlClient.loggedIn(portOf(second), "alice", "secret")) {
            assertThat(c.command("SITE UPLOADS")).contains("\n " + cut + " ? /big.bin\n");
            assertThat(usedOf(c)).isEqualTo(12_345 + cut);
            assertThat(c.command("SIZE big.bin")).isEqualTo("213 " + cut);
            assertThat(c.command("REST " + cut)).startsWith("350");
            assertThat(c.upload("STOR big.bin", Arrays.copyOfRange(whole, (int) cut, whole.length))).startsWith("226");
            assertThat(c.command("HASH big.bin"))
                    .isEqualTo("213 MD5 0-" + whole.length + " " + HashCommandsTest.md5(whole) + " /big.bin");
            assertThat(c.command("SITE UPLOADS")).doesNotContain("big.bin");
            assertThat(usedOf(c)).isEqualTo(12_345 + whole.length);
            assertThat(Files.size(home.resolve("big.bin")) + Files.size(home.resolve("other.bin")))
                    .isEqualTo(12_345 + whole.length);
        } finally {
            second.destroy();
            if (!second.waitFor(15, TimeUnit.SECONDS)) {
                second.destroyForcibly();
            }
        }
    }

    /** {@code ftpd run} in a child JVM from the same compiled classes. */
    private Process startServer(Path conf) throws IOException, URISyntaxException {
        String classes = Path.of(FtpServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", classes + File.pathSeparator
                + System.getProperty("java.class.path"), "ftp.admin.FtpdMain", "--home-dir", base.toString(),
                "--conf", conf.toString(), "run");
        pb.redirectErrorStream(true);
        return pb.start();
    }

    private static int portOf(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(m.group(1));
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("server did not start:\n" + seen);
    }

    private static long usedOf(ControlClient c) {
        String r = c.command("SITE QUOTA");
        return Long.parseLong(r.replaceAll("(?s).*\nused: (\\d+)\n.*", "$1"));
    }
}
