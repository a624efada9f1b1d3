package ftp.admin;

import ftp.auth.AccountStore;
import ftp.log.AsyncLogHandler;
import ftp.log.LogFiles;
import ftp.server.FtpServer;
import ftp.server.ServerContext;
import ftp.server.ServerSettings;
import ftp.tls.KeyMaterial;
import ftp.tls.TlsContexts;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;

/**
 * start, stop, restart, status and run (foreground). {@code start} launches {@code run} as a detached
 * process and returns once the port accepts connections, or relays why it did not. The running server keeps its
 * pid in {@code pid.file} and its address and client count in a status file beside it. Both refuse to serve
 * without accounts or with a key store they cannot read. Main thread only.
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

    /**
     * Serves until SIGTERM (or SIGINT), then stops gracefully and exits 0: a service manager reads any other
     * code as a failure. The log goes to standard output as well as to {@code ftpd.log}.
     */
    int runForeground() throws IOException {
        if (runningPid().isPresent()) {
            throw new IllegalStateException("already running (pid " + runningPid().get().pid() + ")");
        }
        refuseUnservable();
        AsyncLogHandler log = ServerLogging.toFileAndStandardOutput(settings);
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
        FtpServer running = server;
        String metrics = endpoints.metricsAddress().map(a -> " metrics=" + address(a)).orElse("");
        long pid = ProcessHandle.current().pid();
        Files.createDirectories(settings.pidFile().getParent());
        writeAtomically(settings.pidFile(), pid + "\n");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int exitCode = 0;
            try {
                endpoints.close();
                running.close();
            } catch (RuntimeException e) {
                ServerContext.LOG.log(Level.SEVERE, "graceful stop failed", e);
                exitCode = 1;
            }
            stopped.countDown();
            try {
                Files.deleteIfExists(settings.pidFile());
                Files.deleteIfExists(statusFile());
            } catch (IOException ignored) {
                // exiting anyway
            }
            log.close(); // writes what is still queued, "ftpd stopped" included
            // A JVM stopped by a signal exits 128+signal (143 for SIGTERM) whatever happens after; this stop was
            // the expected one and went well, so say so.
            Runtime.getRuntime().halt(exitCode);
        }, "ftpd-shutdown"));
        System.out.println("ftpd listening on " + address(running.address()) + " (pid " + pid + ")");
        System.out.flush();
        // The main thread has nothing else to do: it answers the admin channel and keeps the status file current
        // (no threads of their own).
        boolean[] warned = {false};
        endpoints.serveAdmin(Duration.ofSeconds(1), () -> {
            try {
                writeAtomically(statusFile(), "node=" + settings.nodeName() + " address=" + address(running.address())
                        + " clients="
                        + running.activeSessions() + metrics + "\n");
            } catch (IOException e) {
                if (!warned[0]) {
                    warned[0] = true;
                    System.err.println("ftpd: cannot write " + statusFile() + ": " + e.getMessage());
                }
            }
        }, () -> stopped.getCount() == 0);
        try {
            stopped.await(); // the admin channel closed first; the shutdown hook is finishing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    int start() throws IOException {
        Optional<ProcessHandle> running = runningPid();
        if (running.isPresent()) {
            System.out.println("already running pid=" + running.get().pid() + " address=" + readStatus("address"));
            return 0;
        }
        refuseUnservable();
        Files.deleteIfExists(statusFile());
        // The detached server's log lines go to ftpd.log; ftpd.out keeps what it says on stderr (why it could not
        // start, a JVM crash), and what this start adds to it is shown if the server dies before it serves.
        Path out = LogFiles.createIfMissing(settings.logDir().resolve("ftpd.out"));
        long before = Files.size(out);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of("setsid", java));
        String extra = System.getenv("FTPD_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FtpdMain.class.getName(),
                "--home-dir", installDir.toString(), "--conf", confDir.toString(), "run"));
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                List<String> said = linesAddedSince(out, before);
                if (said.isEmpty()) {
                    System.err.println("ftpd: the server exited at start (exit " + p.exitValue() + ")");
                }
                said.subList(Math.max(0, said.size() - 20), said.size()).forEach(System.err::println);
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
        System.out.println("running pid=" + running.get().pid() + " node=" + readStatus("node")
                + " address=" + readStatus("address") + " clients=" + readStatus("clients") + processFootprint(running.get().pid()));
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

    /** " rss=…MiB threads=N" of a process, from Linux's /proc; empty where that cannot be read. */
    static String processFootprint(long pid) {
        try {
            String rss = null;
            String threads = null;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = String.format(java.util.Locale.ROOT, "%.1fMiB",
                            Long.parseLong(line.replaceAll("\\D", "")) / 1024.0);
                } else if (line.startsWith("Threads:")) {
                    threads = line.substring("Threads:".length()).trim();
                }
            }
            return rss == null || threads == null ? "" : " rss=" + rss + " threads=" + threads;
        } catch (IOException | NumberFormatException e) {
            return "";
        }
    }

    /**
     * Refuses, with the reason, what would start a server nobody can use: no accounts file or none in it, or a
     * key store that exists but cannot be read with the configured password (a missing one is created at start).
     */
    private void refuseUnservable() throws IOException {
        Path accounts = settings.accountsFile();
        int count = new AccountStore(accounts, settings.defaultQuota(), settings.defaultFiles()).countStrictly();
        if (count == 0) {
            throw new IOException(accounts + " has no accounts: nobody could log in; add one with"
                    + " bin/ftpd --conf " + confDir + " user add NAME");
        }
        Path keystore = settings.tlsKeystore();
        if (settings.tlsMode() != ServerSettings.TlsMode.OFF && Files.exists(keystore)) {
            try {
                TlsContexts.load(keystore, settings.tlsKeystorePassword().toCharArray());
            } catch (IOException e) {
                String reason = e.getMessage() != null ? e.getMessage() : "not a PKCS12 key store";
                throw new IOException("cannot read the TLS key store " + keystore + " (tls.keystore,"
                        + " tls.keystore_password): " + reason, e);
            }
        }
    }

    private static List<String> linesAddedSince(Path file, long offset) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (var channel = Files.newByteChannel(file)) {
            channel.position(offset);
            String added = new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
            return added.lines().filter(l -> !l.isBlank()).toList();
        }
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

    /** {@code HOST:PORT}, an IPv6 host in brackets and in its short form ({@code [::1]:2121}). */
    private static String address(InetSocketAddress address) {
        InetAddress host = address.getAddress();
        String name = host instanceof Inet6Address ? "[" + shortForm(host.getHostAddress()) + "]"
                : host.getHostAddress();
        return name + ":" + address.getPort();
    }

    /** RFC 5952's text: the longest run of two or more zero groups becomes {@code ::} (the JDK writes them all). */
    static String shortForm(String ipv6) {
        String[] groups = ipv6.replaceFirst("%.*", "").split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        if (bestStart < 0) {
            return String.join(":", groups);
        }
        return String.join(":", Arrays.copyOfRange(groups, 0, bestStart)) + "::"
                + String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
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
