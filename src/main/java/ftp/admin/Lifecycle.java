package ftp.admin;

import ftp.log.AsyncLogHandler;
import ftp.server.FtpServer;
import ftp.server.ServerContext;
import ftp.server.ServerSettings;
import ftp.tls.KeyMaterial;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * start, stop, restart, status and run (foreground). {@code start} launches {@code run} as a detached
 * process and returns once the port accepts connections. The running server keeps its pid in
 * {@code pid.file} and its address and client count in a status file beside it. Main thread only.
 */
final class Lifecycle {
    private final Path installDir;
    private final Path confDir;
    private final ServerSettings settings;

    Lifecycle(Path installDir, Path confDir) throws IOException {
        this.installDir = installDir;
        this.confDir = confDir;
        this.settings = ServerSettings.load(confDir);
    }

    private Path statusFile() {
        return settings.pidFile().resolveSibling("ftpd.status");
    }

    int runForeground() throws IOException {
        if (runningPid().isPresent()) {
            throw new IllegalStateException("already running (pid " + runningPid().get().pid() + ")");
        }
        AsyncLogHandler log = ServerLogging.toFile(settings);
        FtpServer server = null;
        AdminEndpoints endpoints;
        try {
            server = FtpServer.start(settings);
            endpoints = AdminEndpoints.start(server, settings, log);
        } catch (IOException | RuntimeException e) {
            ServerContext.LOG.severe("ftpd failed to start: " + e.getMessage());
            if (server != null) {
                server.close();
            }
            log.close();
            throw e;
        }
        String metrics = endpoints.metricsAddress().map(a -> " metrics=" + (a.getAddress() instanceof Inet6Address
                ? "[" + a.getAddress().getHostAddress() + "]:" + a.getPort() : hostAndPort(a))).orElse("");
        FtpServer running = server;
        long pid = ProcessHandle.current().pid();
        Files.createDirectories(settings.pidFile().getParent());
        writeAtomically(settings.pidFile(), pid + "\n");
        CountDownLatch stopped = new CountDownLatch(1);
        Thread status = new Thread(() -> {
            while (stopped.getCount() > 0) {
                try {
                    writeAtomically(statusFile(), "address=" + hostAndPort(running.address()) + " clients="
                            + running.activeSessions() + metrics + "\n");
                    Thread.sleep(1000);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        }, "ftpd-status");
        status.setDaemon(true);
        status.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            endpoints.close();
            running.close();
            stopped.countDown();
            try {
                Files.deleteIfExists(settings.pidFile());
                Files.deleteIfExists(statusFile());
            } catch (IOException ignored) {
                // exiting anyway
            }
            log.close(); // last: writes what is still queued, "ftpd stopped" included
        }, "ftpd-shutdown"));
        System.out.println("ftpd listening on " + hostAndPort(running.address()) + " (pid " + pid + ")");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** {@code who} and {@code ban}, answered by the running server. */
    AdminClient admin() {
        return new AdminClient(AdminEndpoints.socket(settings));
    }

    int start() throws IOException {
        Optional<ProcessHandle> running = runningPid();
        if (running.isPresent()) {
            System.out.println("already running pid=" + running.get().pid() + " address=" + readStatus("address"));
            return 0;
        }
        Files.deleteIfExists(statusFile());
        Files.createDirectories(settings.logDir());
        Path out = settings.logDir().resolve("ftpd.out");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of("setsid", java));
        String extra = System.getenv("FTPD_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FtpdMain.class.getName(),
                "--home-dir", installDir.toString(), "--conf", confDir.toString(), "run"));
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                System.err.println("ftpd: the server exited at start; last lines of " + out + ":");
                List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
                lines.subList(Math.max(0, lines.size() - 10), lines.size()).forEach(System.err::println);
                return 1;
            }
            // The server writes its status once it listens: no test connection, which it would log as a session.
            String address = readStatus("address");
            if (address != null) {
                System.out.println("ftpd started pid=" + p.pid() + " address=" + address);
                return 0;
            }
            sleep(100);
        }
        System.err.println("ftpd: the server did not come up within 60 s; see " + out);
        return 1;
    }

    int stop() throws IOException {
        Optional<ProcessHandle> running = runningPid();
        if (running.isEmpty()) {
            System.out.println("stopped (was not running)");
            Files.deleteIfExists(settings.pidFile());
            return 0;
        }
        ProcessHandle h = running.get();
        h.destroy(); // SIGTERM: the shutdown hook stops gracefully
        long deadline = System.nanoTime() + settings.shutdownGrace().toNanos() + 10_000_000_000L;
        while (h.isAlive() && System.nanoTime() < deadline) {
            sleep(100);
        }
        if (h.isAlive()) {
            h.destroyForcibly();
            System.err.println("ftpd: did not stop in time; killed");
        }
        Files.deleteIfExists(settings.pidFile());
        Files.deleteIfExists(statusFile());
        System.out.println("stopped");
        return 0;
    }

    int restart() throws IOException {
        stop();
        return start();
    }

    int status() throws IOException {
        Optional<ProcessHandle> running = runningPid();
        if (running.isEmpty()) {
            System.out.println("stopped");
            return 3;
        }
        System.out.println("running pid=" + running.get().pid() + " address=" + readStatus("address")
                + " clients=" + readStatus("clients"));
        String metrics = readStatus("metrics");
        if (metrics != null) {
            System.out.println("metrics http://" + metrics + "/metrics");
        }
        if (settings.tlsMode() != ServerSettings.TlsMode.OFF && Files.exists(settings.tlsKeystore())) {
            System.out.println("tls certificate sha256=" + KeyMaterial.sha256Fingerprint(settings.tlsKeystore(),
                    settings.tlsKeystorePassword().toCharArray()));
        }
        return 0;
    }

    private Optional<ProcessHandle> runningPid() throws IOException {
        if (!Files.exists(settings.pidFile())) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(settings.pidFile()).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().commandLine().map(c -> c.contains(FtpdMain.class.getName())).orElse(true));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private String readStatus(String key) throws IOException {
        if (!Files.exists(statusFile())) {
            return null;
        }
        for (String field : Files.readString(statusFile()).trim().split("\\s+")) {
            if (field.startsWith(key + "=")) {
                return field.substring(key.length() + 1);
            }
        }
        return null;
    }

    private static String hostAndPort(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
