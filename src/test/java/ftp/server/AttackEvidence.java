package ftp.server;

import ftp.auth.AccountStore;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the adversarial tests measure before and after an attack on the in-process server (which runs in the
 * test JVM): open file descriptors, live threads, listening sockets in a port range, heap in use; plus the
 * small things several attacks need (an RST close, running a tool, a server in a child process). Test thread.
 */
public final class AttackEvidence {
    private AttackEvidence() {}

    /** File descriptors this JVM holds right now. */
    static int openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Live threads of this JVM, less the JDK's own cached pools that come and go with the tools a test runs
     * (a "process reaper" per child process, kept 60 s) and with parallel streams: they are not the server's.
     */
    static int liveThreads() {
        return serverSideThreads().size();
    }

    /** The names of the threads {@link #liveThreads()} counts, for a failure message. */
    static List<String> serverSideThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> !n.equals("process reaper") && !n.startsWith("ForkJoinPool.commonPool-worker"))
                .sorted().toList();
    }

    /** Heap in use after a collection, in bytes. */
    static long heapUsed() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** TCP sockets in LISTEN state whose local port lies in {@code first..last} (IPv4 and IPv6 tables). */
    static int listenersInRange(int first, int last) {
        int count = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 4 || !f[3].equals("0A")) {
                    continue;
                }
                int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                if (port >= first && port <= last) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Closes with SO_LINGER 0, so the peer sees a reset (RST) instead of an orderly FIN. */
    static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException ignored) {
            // already gone: that is a reset too
        }
    }

    /** What a data command answered, and the bytes that came over the data connection (downloads). */
    record Attempt(String replies, byte[] received) {}

    /**
     * Sends a data command over a fresh passive connection: uploads {@code upload} when the server says 150,
     * else reads what it sends. The replies are joined with " / ".
     */
    static Attempt attempt(ControlClient c, String command, byte[] upload) {
        try (Socket data = c.openPassive()) {
            String first = c.command(command);
            if (first == null || !(first.startsWith("150") || first.startsWith("125"))) {
                return new Attempt(String.valueOf(first), new byte[0]);
            }
            byte[] received = new byte[0];
            if (upload != null) {
                try {
                    data.getOutputStream().write(upload);
                    data.shutdownOutput();
                } catch (IOException e) {
                    // refused mid-way; the reply says why
                }
            } else {
                received = data.getInputStream().readAllBytes();
            }
            return new Attempt(first + " / " + c.reply(), received);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A conf directory under {@code base} for a server in a child process: {@code ftpd.properties} with the
     * test defaults plus {@code settings}, and alice (password {@code secret}) in {@code accounts.ini}.
     */
    static Path writeConf(Path base, String... settings) throws IOException {
        Path conf = Files.createDirectories(base.resolve("conf"));
        List<String> lines = new ArrayList<>(List.of("listen.port=0", "tls.mode=off",
                "auth.pbkdf2_iterations=" + TestServer.ITERATIONS));
        lines.addAll(List.of(settings));
        lines.add("");
        Files.writeString(conf.resolve(ServerSettings.FILE_NAME), String.join("\n", lines));
        new AccountStore(conf.resolve("accounts.ini"), OptionalLong.empty(), OptionalLong.empty())
                .add("alice", "secret".toCharArray(), null, TestServer.ITERATIONS);
        return conf;
    }

    /** {@code ftpd run} in a child JVM from the same compiled classes; {@code jvmOptions} go before the class. */
    static Process startServerProcess(Path base, Path conf, String... jvmOptions) throws IOException {
        String classes;
        try {
            classes = Path.of(FtpServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", classes + File.pathSeparator + System.getProperty("java.class.path"),
                "ftp.admin.FtpdMain", "--home-dir", base.toString(), "--conf", conf.toString(), "run"));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** The control port a child server announces ("listening on HOST:PORT"); its further output is drained. */
    public static int portOf(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("listening on [^:\\s]+:(\\d+)");
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = listening.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(Writer.nullWriter());
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

    /** Stops a child server: SIGTERM, then SIGKILL if it lingers. */
    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    /** Deletes {@code dir} and everything below it (shallow test trees only). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** Result of a finished external tool. */
    record ToolRun(int exit, String output) {}

    /**
     * Runs a command (stdin closed unless {@code input} is given) and returns its exit status and merged
     * output. A missing tool fails the test with a clear message rather than skipping it.
     */
    static ToolRun run(List<String> command, String input, long timeoutSeconds) {
        Path output;
        Process p;
        try {
            output = Files.createTempFile("attack-tool", ".out");
            p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError(command.get(0) + " is needed by this test but cannot be run: " + e.getMessage(),
                    e);
        }
        try {
            try (var in = p.getOutputStream()) {
                if (input != null) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the tool ended without reading its input; its output says why
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds
                        + " s; output so far:\n" + new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
            }
            return new ToolRun(p.exitValue(), new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new AssertionError("interrupted", e);
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException ignored) {
                // a temp file
            }
        }
    }

    /**
     * Sends HELP on {@code client}, whose greeting was read and which must never read again, until the server
     * holds some 32 KiB of replies that the kernel (its send queue, the client's receive queue) could not take:
     * well below the 256 KiB after which it gives up on a client that does not read. Measured from outside,
     * in /proc/net/tcp*.
     */
    static void backUpReplies(int serverPort, Socket client) throws Exception {
        OutputStream out = client.getOutputStream();
        out.write("HELP\r\n".getBytes(StandardCharsets.US_ASCII));
        int helpBytes = 0;
        StringBuilder line = new StringBuilder();
        while (true) { // byte by byte, to count exactly what one HELP costs on the wire
            int c = client.getInputStream().read();
            if (c < 0) {
                throw new AssertionError("closed during the HELP reply");
            }
            helpBytes++;
            if (c != '\n') {
                line.append((char) c);
            } else if (line.toString().startsWith("214 ")) {
                break;
            } else {
                line.setLength(0);
            }
        }
        // Big batches while the kernel takes every reply, small ones once the server has to hold some.
        long produced = 0;
        long held = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (held <= 32 * 1024) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the server's replies never backed up");
            }
            int helps = held == 0 ? 300 : 50;
            out.write("HELP\r\n".repeat(helps).getBytes(StandardCharsets.US_ASCII));
            produced += (long) helps * helpBytes;
            held = produced - settledKernelBytes(serverPort, client, true);
        }
    }

    /**
     * Waits until the server has stopped reading what {@code client} sent (has read all of it, if
     * {@code readAll}) and its replies stopped moving, then returns the bytes of them the kernel holds: the server
     * end's send queue plus what waits unread at the client.
     */
    static long settledKernelBytes(int serverPort, Socket client, boolean readAll) throws Exception {
        long lastOut = -1;
        long lastIn = -1;
        for (int i = 0; i < 500; i++) {
            long[] q = serverQueues(serverPort, client.getLocalPort());
            long out = q[0] + client.getInputStream().available();
            if ((q[1] == 0 || !readAll) && out == lastOut && q[1] == lastIn) {
                return out;
            }
            lastOut = out;
            lastIn = q[1];
            Thread.sleep(30);
        }
        throw new AssertionError("the server never settled");
    }

    /** The send and receive queues of the server's end of the connection from {@code clientPort}. */
    private static long[] serverQueues(int serverPort, int clientPort) throws IOException {
        for (String table : List.of("/proc/net/tcp6", "/proc/net/tcp")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String row : lines.subList(1, lines.size())) {
                String[] f = row.trim().split("\\s+");
                int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                if (local == serverPort && remote == clientPort) {
                    String[] q = f[4].split(":");
                    return new long[] {Long.parseLong(q[0], 16), Long.parseLong(q[1], 16)};
                }
            }
        }
        throw new AssertionError("no socket " + serverPort + " <- " + clientPort + " in /proc/net/tcp*");
    }

}
