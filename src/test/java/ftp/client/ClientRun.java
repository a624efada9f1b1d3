package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.testing.Eventually;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

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

    /**
     * Kills the client once {@code progress} passes {@code threshold} bytes: a connection cut mid-transfer of
     * {@code path}. Returns once the server has seen the cut and ended the transfer.
     */
    static void killMidTransfer(TestServer server, Process client, LongSupplier progress, long threshold, String path)
            throws Exception {
        long logged = server.transfersLogged(path);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (progress.getAsLong() < threshold && client.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        client.destroyForcibly();
        client.waitFor(10, TimeUnit.SECONDS);
        // An upload is recorded as unfinished before the transfer is logged.
        assertThat(Eventually.holds(() -> server.transfersLogged(path) > logged)).as("%s logged", path).isTrue();
    }

    static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The bytes of the partial downloads in a download journal. */
    static long partSize(Path journal) {
        if (!Files.isDirectory(journal)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(journal)) {
            return files.filter(f -> f.toString().endsWith(".part")).mapToLong(ClientRun::sizeOf).sum();
        } catch (IOException e) {
            return 0;
        }
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
