package ftp.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code bin/ftpd} in its own install directory, run in the foreground on a free port with TLS required (and
 * data connections required to resume the TLS session, the default). Owned by the test class that starts it.
 */
final class TestServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]*:(\\d+)");

    private final Path install;
    private final Process process;
    private final int port;

    private TestServer(Path install, Process process, int port) {
        this.install = install;
        this.process = process;
        this.port = port;
    }

    /** {@code users} are NAME, QUOTA pairs; every password is "123". */
    static TestServer start(Path install, String... users) throws IOException, InterruptedException {
        Path conf = Files.createDirectories(install.resolve("conf"));
        // Below the ephemeral range, so no outgoing connection holds one of these ports.
        int passive = ThreadLocalRandom.current().nextInt(20_000, 29_000);
        Files.writeString(conf.resolve("ftpd.properties"), String.join("\n",
                "listen.host=127.0.0.1", "listen.port=0", "passive.ports=" + passive + "-" + (passive + 200),
                "tls.mode=required", "auth.pbkdf2_iterations=1000", "auth.max_failures=1000", "quota.default=1G",
                ""));
        for (int i = 0; i < users.length; i += 2) {
            run(Programs.ftpd(List.of("--conf", conf.toString(), "user", "add", users[i], "--quota", users[i + 1],
                    "--password-stdin")), "123\n");
        }
        Process p = new ProcessBuilder(Programs.ftpd(List.of("--conf", conf.toString(), "run")))
                .directory(install.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IOException("ftpd exited: " + lines));
        }, "ftpd-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new TestServer(install, p, port.get(30, TimeUnit.SECONDS));
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("ftpd did not start: " + lines, e);
        }
    }

    private static void run(List<String> command, String input) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command + " failed: " + out);
        }
    }

    int port() {
        return port;
    }

    /** A user's home: the server's view of "/". */
    Path home(String user) {
        return install.resolve("home").resolve(user);
    }

    /** How many lines of the server's transfer log name {@code path}: one is added as each transfer ends. */
    long transfersLogged(String path) {
        Path log = install.resolve("log").resolve("xferlog");
        try {
            return Files.exists(log)
                    ? Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(" " + path + " "))
                            .count()
                    : 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    Path keyStore() {
        return install.resolve("conf").resolve("ftpd.p12");
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
