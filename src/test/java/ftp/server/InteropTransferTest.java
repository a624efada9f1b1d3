package ftp.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Standard clients against a real server, each transfer checked with MD5: curl upload and download of a
 * 64 MiB random file, {@code curl -C -} resuming in both directions, Python ftplib in binary and ASCII
 * mode, and {@code lftp mirror} up and down. Needs curl, python3 and lftp (CI installs them); a missing
 * tool fails the test with a clear message.
 */
class InteropTransferTest {
    private static final int BIG = 64 << 20;

    private static TestServer server;
    private static Path big;
    private static String bigMd5;

    @TempDir
    static Path local;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start("quota.default=none");
        big = local.resolve("big.bin");
        byte[] bytes = new byte[BIG];
        new Random(64).nextBytes(bytes);
        Files.write(big, bytes);
        bigMd5 = ExternalClient.md5(big);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String url(String path) {
        return "ftp://127.0.0.1:" + server.port() + "/" + path;
    }

    @Test
    void curlUploadsAndDownloadsByteIdentical() throws IOException {
        run("curl", "-sS", "--fail", "-u", "alice:secret", "-T", big.toString(), url("curl-up.bin"));
        assertThat(ExternalClient.md5(server.home("alice").resolve("curl-up.bin"))).isEqualTo(bigMd5);
        Path down = local.resolve("curl-down.bin");
        run("curl", "-sS", "--fail", "-u", "alice:secret", "-o", down.toString(), url("curl-up.bin"));
        assertThat(ExternalClient.md5(down)).isEqualTo(bigMd5);
    }

    @Test
    void curlResumesInBothDirections() throws IOException {
        // Upload: the server holds the first 20 MiB (an earlier, cut upload); curl asks SIZE and sends the rest.
        byte[] bytes = Files.readAllBytes(big);
        server.write("alice", "resume-up.bin", java.util.Arrays.copyOf(bytes, 20 << 20));
        run("curl", "-sS", "--fail", "-u", "alice:secret", "-C", "-", "-T", big.toString(), url("resume-up.bin"));
        assertThat(ExternalClient.md5(server.home("alice").resolve("resume-up.bin"))).isEqualTo(bigMd5);

        // Download: the client holds the first 30 MiB; curl sends REST and appends the rest.
        server.write("alice", "resume-down.bin", bytes);
        Path partial = local.resolve("resume-down.bin");
        Files.write(partial, java.util.Arrays.copyOf(bytes, 30 << 20));
        run("curl", "-sS", "--fail", "-u", "alice:secret", "-C", "-", "-o", partial.toString(),
                url("resume-down.bin"));
        assertThat(ExternalClient.md5(partial)).isEqualTo(bigMd5);
    }

    @Test
    void pythonFtplibBinaryAndAscii() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            text.append("line ").append(i).append(" of a text file").append('\n');
        }
        Path txt = Files.writeString(local.resolve("lines.txt"), text, StandardCharsets.US_ASCII);
        Path script = Files.writeString(local.resolve("client.py"), String.join("\n",
                "import ftplib, sys",
                "port, big, bigout, txt, txtout = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]",
                "ftp = ftplib.FTP()",
                "ftp.connect('127.0.0.1', port, timeout=30)",
                "ftp.login('bob', 'secret')",
                "with open(big, 'rb') as f: ftp.storbinary('STOR py.bin', f, blocksize=1 << 20)",
                "with open(bigout, 'wb') as f: ftp.retrbinary('RETR py.bin', f.write, blocksize=1 << 20)",
                "with open(txt, 'rb') as f: ftp.storlines('STOR py.txt', f)",
                "with open(txtout, 'w', newline='\\n') as f: ftp.retrlines('RETR py.txt', lambda l: f.write(l + '\\n'))",
                "ftp.quit()", ""));
        Path bigOut = local.resolve("py-down.bin");
        Path txtOut = local.resolve("py-down.txt");
        run("python3", script.toString(), Integer.toString(server.port()), big.toString(), bigOut.toString(),
                txt.toString(), txtOut.toString());
        assertThat(ExternalClient.md5(server.home("bob").resolve("py.bin"))).isEqualTo(bigMd5);
        assertThat(ExternalClient.md5(bigOut)).isEqualTo(bigMd5);
        assertThat(ExternalClient.md5(server.home("bob").resolve("py.txt"))).isEqualTo(ExternalClient.md5(txt));
        assertThat(ExternalClient.md5(txtOut)).isEqualTo(ExternalClient.md5(txt));
    }

    @Test
    void pythonFtplibAbortMidDownloadKeepsTheSessionUsable() throws IOException {
        server.write("bob", "abort.bin", new byte[BIG]);
        Path script = Files.writeString(local.resolve("abort.py"), String.join("\n",
                "import ftplib, sys",
                "ftp = ftplib.FTP()",
                "ftp.connect('127.0.0.1', int(sys.argv[1]), timeout=10)",
                "ftp.login('bob', 'secret')",
                "conn = ftp.transfercmd('RETR abort.bin')",
                "got = 0",
                "while got < 1 << 20: got += len(conn.recv(65536))",
                "first = ftp.abort()  # ABOR sent as urgent data, as ftplib does",
                "conn.close()",
                "assert first.startswith('426'), first",
                "second = ftp.voidresp()",
                "assert second.startswith('226'), second",
                "assert ftp.voidcmd('NOOP').startswith('200')",
                "assert ftp.size('abort.bin') == " + BIG,
                "ftp.quit()", ""));
        run("python3", script.toString(), Integer.toString(server.port()));
    }

    @Test
    void lftpMirrorsUpAndDown() throws IOException {
        Path tree = Files.createDirectories(local.resolve("tree/sub/deeper"));
        Random random = new Random(11);
        List<Path> files = new ArrayList<>();
        for (String name : List.of("tree/a.bin", "tree/sub/b.bin", "tree/sub/deeper/c.txt", "tree/empty.dat")) {
            byte[] bytes = new byte[name.endsWith(".dat") ? 0 : 1 + random.nextInt(6 << 20)];
            random.nextBytes(bytes);
            files.add(Files.write(local.resolve(name), bytes));
        }
        assertThat(tree).isDirectory();
        String login = "set ftp:ssl-allow no; set net:max-retries 1; set net:timeout 20; ";
        run("lftp", "-u", "egon,123", "-p", Integer.toString(server.port()), "-e",
                login + "mirror -R " + local.resolve("tree") + " /mirrored; quit", "127.0.0.1");
        Path down = local.resolve("down");
        run("lftp", "-u", "egon,123", "-p", Integer.toString(server.port()), "-e",
                login + "mirror /mirrored " + down + "; quit", "127.0.0.1");
        for (Path f : files) {
            String relative = local.resolve("tree").relativize(f).toString();
            assertThat(ExternalClient.md5(server.home("egon").resolve("mirrored").resolve(relative))).as(relative).isEqualTo(ExternalClient.md5(f));
            assertThat(ExternalClient.md5(down.resolve(relative))).as(relative).isEqualTo(ExternalClient.md5(f));
        }
    }

    /** Runs a client to completion; a missing tool or a failure fails the test with its output. */
    private static void run(String... command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is required for this test (CI installs it): " + e.getMessage());
        }
        try (OutputStream in = p.getOutputStream()) {
            in.flush(); // no input: lftp and python must not wait for a terminal
        } catch (IOException ignored) {
            // the tool does not read its input
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish:\n" + out);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
            }
        } catch (IOException | InterruptedException e) {
            p.destroyForcibly();
            throw new AssertionError(e);
        }
    }
}
