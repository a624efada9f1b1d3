package ftp.cluster;

import ftp.auth.AccountStore;
import ftp.server.AttackEvidence;
import ftp.server.FtpServer;
import ftp.server.ServerSettings;
import ftp.server.TestServer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Several {@code ftpd} processes on this machine sharing one {@code home.root} and one accounts file, as
 * nodes behind a balancer: each has its own conf, log and run folders, its own control port and its own
 * passive range ({@link #nodeOfPassivePort} tells which node a data port belongs to), takes PROXY v2 from
 * {@link Haproxy#PROXY_FROM}, and can be killed with SIGKILL. The account {@code alice}/{@code secret} exists.
 * Close to stop them all.
 */
public final class ClusterNodes implements AutoCloseable {
    private static final int PASSIVE_FIRST = 47000;
    private static final int PASSIVE_PER_NODE = 100;

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    private ClusterNodes(Path dir) {
        this.dir = dir;
    }

    /** Starts {@code count} nodes in {@code dir} with {@code settings} ({@code key=value}) added to each conf. */
    public static ClusterNodes start(Path dir, int count, String... settings) {
        ClusterNodes nodes = new ClusterNodes(dir);
        try {
            Files.createDirectories(nodes.homeRoot());
            new AccountStore(nodes.accountsFile(), OptionalLong.empty(), OptionalLong.empty())
                    .add("alice", "secret".toCharArray(), null, TestServer.ITERATIONS);
            for (int i = 0; i < count; i++) {
                nodes.startNode(i, settings);
            }
            return nodes;
        } catch (IOException | RuntimeException e) {
            nodes.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    public Path homeRoot() {
        return dir.resolve("home");
    }

    public Path accountsFile() {
        return dir.resolve("accounts.ini");
    }

    public Path conf(int node) {
        return dir.resolve("node" + node).resolve("conf");
    }

    public int port(int node) {
        return ports.get(node);
    }

    public int[] ports() {
        return ports.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The node whose passive range holds {@code port}. */
    public static int nodeOfPassivePort(int port) {
        return (port - PASSIVE_FIRST) / PASSIVE_PER_NODE;
    }

    /** SIGKILL: no shutdown hook, nothing tidied up. Waits until the process is gone. */
    public void kill(int node) throws InterruptedException {
        Process p = processes.get(node);
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("node" + node + " survived SIGKILL");
        }
    }

    /** Runs {@code bin/ftpd --conf CONF-OF-NODE args...} (e.g. {@code user quota alice 1M}); its exit code. */
    public int admin(int node, String... args) throws IOException, InterruptedException {
        List<String> command = javaCommand(node);
        command.add("--conf");
        command.add(conf(node).toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("admin-" + node + ".out").toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/ftpd " + String.join(" ", args) + " did not finish");
        }
        return p.exitValue();
    }

    private void startNode(int i, String... settings) throws IOException {
        Path conf = Files.createDirectories(conf(i));
        int passive = PASSIVE_FIRST + i * PASSIVE_PER_NODE;
        List<String> lines = new ArrayList<>(List.of(
                "listen.host=127.0.0.1",
                "listen.port=0",
                "tls.mode=off",
                "passive.ports=" + passive + "-" + (passive + PASSIVE_PER_NODE - 1),
                "home.root=" + homeRoot(),
                "accounts.file=" + accountsFile(),
                "log.dir=" + dir.resolve("node" + i).resolve("log"),
                "pid.file=" + dir.resolve("node" + i).resolve("run").resolve("ftpd.pid"),
                "auth.pbkdf2_iterations=" + TestServer.ITERATIONS,
                "listen.proxy_protocol=v2",
                "listen.proxy_from=" + Haproxy.PROXY_FROM,
                "node.name=node" + i));
        lines.addAll(List.of(settings));
        Files.writeString(conf.resolve(ServerSettings.FILE_NAME), String.join("\n", lines) + "\n");
        List<String> command = javaCommand(i);
        command.addAll(List.of("--conf", conf.toString(), "run"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(p);
        ports.add(AttackEvidence.portOf(p));
    }

    private List<String> javaCommand(int node) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-cp", classPath(),
                "ftp.admin.FtpdMain", "--home-dir", dir.resolve("node" + node).toString()));
        return command;
    }

    private static String classPath() {
        try {
            return Path.of(FtpServer.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    + File.pathSeparator + System.getProperty("java.class.path");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
