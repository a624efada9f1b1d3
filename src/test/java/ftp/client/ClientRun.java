package ftp.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code bin/ftp} install for a test (its {@code conf/ftp.properties} pointing at the test server, its
 * {@code files/} download folder) and the runs of the client in it, with commands on standard input. Owned by one
 * test.
 */
final class ClientRun {
    /** What a finished run left: exit code and both outputs. */
    record Result(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private final Path dir;

    ClientRun(Path dir, int port, String... settings) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("files"));
        List<String> lines = new ArrayList<>(List.of("server.host=127.0.0.1", "server.port=" + port, "locale=en",
                "timeout=20"));
        lines.addAll(List.of(settings));
        Files.createDirectories(conf());
        Files.writeString(conf().resolve("ftp.properties"), String.join("\n", lines) + "\n");
    }

    Path conf() {
        return dir.resolve("conf");
    }

    Path files() {
        return dir.resolve("files");
    }

    /** The command line of {@code bin/ftp --conf <conf> -u USER ARGS}. */
    List<String> command(String user, String... args) {
        List<String> all = new ArrayList<>(List.of("--conf", conf().toString(), "-u", user));
        all.addAll(List.of(args));
        return Programs.ftp(all);
    }

    /** Starts the client with the password in {@code FTP_PASSWORD} and no language but {@code env}'s. */
    Process start(String user, String stdin, Map<String, String> extraEnv, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(user, args)).directory(dir.toFile());
        Map<String, String> env = builder.environment();
        env.put("FTP_PASSWORD", "123");
        // What bin/ftp does on a machine without a UTF-8 locale, done here for runs that bypass it.
        env.put("LC_ALL", "C.UTF-8");
        env.remove("LANG");
        env.remove("LC_MESSAGES");
        env.putAll(extraEnv);
        Process p = builder.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        return p;
    }

    Process start(String user, String stdin, String... args) throws IOException {
        return start(user, stdin, Map.of(), args);
    }

    Result run(String user, String stdin, String... args) throws IOException, InterruptedException {
        return finish(start(user, stdin, Map.of(), args));
    }

    static Result finish(Process p) throws IOException, InterruptedException {
        byte[][] err = new byte[1][];
        Thread errReader = new Thread(() -> {
            try {
                err[0] = p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                err[0] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        errReader.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("bin/ftp did not finish; output so far: " + out);
        }
        errReader.join();
        return new Result(p.exitValue(), out, new String(err[0], StandardCharsets.UTF_8));
    }
}
