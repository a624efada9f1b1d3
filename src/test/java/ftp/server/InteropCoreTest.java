package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stock clients against the server: curl and Python's ftplib (both must be installed; CI installs them). */
class InteropCoreTest {
    private TestServer server;
    private Path home;
    private byte[] content;

    @TempDir
    Path tmp;

    private record Result(int exit, String out, String err) {}

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start();
        home = Files.createDirectories(server.home("alice"));
        content = new byte[300_000];
        new Random(7).nextBytes(content);
        Files.write(home.resolve("data.bin"), content);
        Files.writeString(home.resolve("hello.txt"), "hello");
        Files.createDirectories(home.resolve("sub"));
        Files.createDirectories(home.resolve(".upload"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Result run(String... command) throws Exception {
        Path out = tmp.resolve("out-" + System.nanoTime());
        Path err = tmp.resolve("err-" + System.nanoTime());
        Process p;
        try {
            p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is required by this test but could not be started: "
                    + e.getMessage(), e);
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private String url(String path) {
        return "ftp://alice:secret@127.0.0.1:" + server.port() + path;
    }

    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r?\n")));
        lines.removeIf(String::isEmpty);
        return lines;
    }

    @Test
    void curlListsTheHomeAndDownloadsAFile() throws Exception {
        Result names = run("curl", "-sS", "-l", url("/"));
        assertThat(names.exit()).as(names.err()).isZero();
        assertThat(lines(names.out())).containsExactlyInAnyOrder("data.bin", "hello.txt", "sub");

        Result list = run("curl", "-sS", url("/"));
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(lines(list.out())).hasSize(3).anyMatch(l -> l.matches("-rw-r--r-- .* 300000 .* data\\.bin"));

        Path target = tmp.resolve("data.bin");
        Result get = run("curl", "-sS", "-o", target.toString(), url("/data.bin"));
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(Files.readAllBytes(target)).isEqualTo(content);

        Result viaPasv = run("curl", "-sS", "--disable-epsv", url("/hello.txt"));
        assertThat(viaPasv.exit()).as(viaPasv.err()).isZero();
        assertThat(viaPasv.out()).isEqualTo("hello");
    }

    @Test
    void curlIsRefusedWithAWrongPasswordAndCannotReachTheBookkeepingFolder() throws Exception {
        Result denied = run("curl", "-sS", "-l", "ftp://alice:wrong@127.0.0.1:" + server.port() + "/");
        assertThat(denied.exit()).as("curl exit 67 = login denied").isEqualTo(67);

        Result hidden = run("curl", "-sS", "-l", url("/.upload/"));
        assertThat(hidden.exit()).isNotZero();
    }

    @Test
    void netcatGetsASensibleConversation() throws Exception {
        // The issue's own check; -N shuts the socket down after the input, as many netcat builds do by default.
        Path script = Files.writeString(tmp.resolve("session.txt"),
                "USER egon\nPASS 123\nPWD\nMKD a\nCWD a\nPWD\nQUIT\n");
        Result r = run("sh", "-c", "nc -N 127.0.0.1 " + server.port() + " < '" + script + "'");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(lines(r.out())).containsExactly(
                "220 ftpd ready.",
                "331 Password required for egon.",
                "230 User egon logged in.",
                "257 \"/\" is the current directory.",
                "257 \"/a\" created.",
                "250 Directory changed to /a.",
                "257 \"/a\" is the current directory.",
                "221 Goodbye.");
    }

    @Test
    void pythonFtplibLogsInAndWorksWithDirectories() throws Exception {
        String script = String.join("\n",
                "import ftplib, sys",
                "ftp = ftplib.FTP()",
                "ftp.connect('127.0.0.1', int(sys.argv[1]), timeout=10)",
                "print(ftp.login('alice', 'secret'))",
                "print('pwd', ftp.pwd())",
                "print('mkd', ftp.mkd('made by python'))",
                "ftp.cwd('made by python')",
                "print('pwd', ftp.pwd())",
                "ftp.mkd('inner')",
                "print('nlst', sorted(ftp.nlst()))",
                "ftp.rmd('inner')",
                "ftp.cwd('..')",
                "print('root', sorted(ftp.nlst()))",
                "ftp.voidcmd('TYPE I')",
                "print('size', ftp.size('data.bin'))",
                "chunks = []",
                "ftp.retrbinary('RETR hello.txt', chunks.append)",
                "print('retr', b''.join(chunks).decode())",
                "print('rmd', ftp.rmd('made by python'))",
                "try:",
                "    ftp.cwd('/.upload')",
                "    print('upload reachable')",
                "except ftplib.error_perm as e:",
                "    print('refused', str(e)[:3])",
                "print(ftp.quit())");
        Result r = run("python3", "-c", script, Integer.toString(server.port()));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(lines(r.out())).containsExactly(
                "230 User alice logged in.",
                "pwd /",
                "mkd /made by python",
                "pwd /made by python",
                "nlst ['inner']",
                "root ['data.bin', 'hello.txt', 'made by python', 'sub']",
                "size 300000",
                "retr hello",
                "rmd 250 Directory removed.",
                "refused 550",
                "221 Goodbye.");
        assertThat(home.resolve("made by python")).doesNotExist();
    }
}
