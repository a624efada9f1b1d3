package ftp.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code haproxy} binary (Debian package {@code haproxy}) in TCP mode in front of ftpd nodes, for
 * tests: a frontend on an ephemeral port of 127.0.0.1, the given backends, a PROXY header of the chosen
 * version on every relayed connection, the chosen balancing, optional health checks. It connects to the
 * backends from 127.0.0.1, so nodes behind it take {@code listen.proxy_from=127.0.0.1}
 * ({@link #PROXY_FROM}). Its log (one line per connection, and its own warnings) goes to {@link #logFile()},
 * for a failing test to show. Start with {@link #in}, stop with {@link #close()}.
 *
 * <pre>
 * try (Haproxy lb = Haproxy.in(dir).backends(node1.port(), node2.port()).balance(Balance.LEASTCONN).start()) {
 *     Socket s = new Socket(); s.bind(new InetSocketAddress("127.0.0.2", 0)); s.connect(lb.address());
 * }
 * </pre>
 */
public final class Haproxy implements AutoCloseable {
    /** The address the backends see haproxy's connections come from. */
    public static final String PROXY_FROM = "127.0.0.1";
    private static final Duration READY_WITHIN = Duration.ofSeconds(20);

    public enum Balance { ROUNDROBIN, LEASTCONN, SOURCE }

    /** Which PROXY header haproxy sends to the backends ({@code send-proxy}, {@code send-proxy-v2}, or none). */
    public enum ProxyVersion { V1, V2, NONE }

    private final Process process;
    private final Path dir;
    private final int port;

    private Haproxy(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** A configuration to start, with its files (config, log, admin socket) in {@code dir}. */
    public static Builder in(Path dir) {
        return new Builder(dir);
    }

    /** True when the {@code haproxy} binary is on the PATH. */
    public static boolean installed() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "haproxy"))) {
                return true;
            }
        }
        return false;
    }

    public static final class Builder {
        private final Path dir;
        private final List<InetSocketAddress> backends = new ArrayList<>();
        private Balance balance = Balance.ROUNDROBIN;
        private ProxyVersion proxyVersion = ProxyVersion.V2;
        private boolean healthChecks;

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Backends on 127.0.0.1 at {@code ports}. */
        public Builder backends(int... ports) {
            for (int p : ports) {
                backends.add(new InetSocketAddress("127.0.0.1", p));
            }
            return this;
        }

        public Builder backend(InetSocketAddress address) {
            backends.add(address);
            return this;
        }

        public Builder balance(Balance b) {
            balance = b;
            return this;
        }

        public Builder proxyVersion(ProxyVersion v) {
            proxyVersion = v;
            return this;
        }

        /**
         * Checks each backend every 500 ms with a bare connection carrying a PROXY v2 LOCAL header
         * ({@code check-send-proxy}), as a production setup would; {@link #start} then waits until all are up.
         */
        public Builder healthChecks(boolean on) {
            healthChecks = on;
            return this;
        }

        /** Starts haproxy and waits until it accepts connections (and, with health checks, every backend is up). */
        public Haproxy start() {
            if (backends.isEmpty()) {
                throw new IllegalStateException("no backend");
            }
            try {
                Files.createDirectories(dir);
                IOException last = null;
                for (int attempt = 0; attempt < 3; attempt++) { // the free port found may be taken meanwhile
                    int port = freePort();
                    Path config = dir.resolve("haproxy.cfg");
                    Files.writeString(config, config(port), StandardCharsets.UTF_8);
                    Files.deleteIfExists(dir.resolve("admin.sock"));
                    Process p = new ProcessBuilder("haproxy", "-db", "-f", config.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("haproxy.log").toFile()))
                            .start();
                    Haproxy h = new Haproxy(p, dir, port);
                    try {
                        h.awaitReady(healthChecks ? backends.size() : 0);
                        return h;
                    } catch (IOException e) {
                        h.close();
                        last = e;
                    }
                }
                throw last;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private String config(int port) {
            StringBuilder b = new StringBuilder()
                    .append("global\n")
                    .append("    nbthread 1\n")
                    .append("    maxconn 2000\n")
                    .append("    log stdout format raw local0 info\n")
                    .append("    stats socket ").append(dir.resolve("admin.sock")).append(" mode 600 level admin\n")
                    .append("defaults\n")
                    .append("    mode tcp\n")
                    .append("    log global\n")
                    .append("    option tcplog\n")
                    .append("    timeout connect 5s\n")
                    .append("    timeout client 10m\n")
                    .append("    timeout server 10m\n")
                    .append("frontend ftp\n")
                    .append("    bind 127.0.0.1:").append(port).append('\n')
                    .append("    default_backend nodes\n")
                    .append("backend nodes\n")
                    .append("    balance ").append(balance.name().toLowerCase(Locale.ROOT)).append('\n');
            String send = switch (proxyVersion) {
                case V1 -> " send-proxy";
                case V2 -> " send-proxy-v2";
                case NONE -> "";
            };
            String check = healthChecks ? " check inter 500ms rise 1 fall 2"
                    + (proxyVersion == ProxyVersion.NONE ? "" : " check-send-proxy") : "";
            for (int i = 0; i < backends.size(); i++) {
                InetSocketAddress a = backends.get(i);
                b.append("    server node").append(i + 1).append(' ').append(a.getHostString()).append(':')
                        .append(a.getPort()).append(send).append(check).append('\n');
            }
            return b.toString();
        }
    }

    /** Where clients connect: 127.0.0.1 and the frontend's port. */
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return dir.resolve("haproxy.log");
    }

    /** haproxy's output so far (for an assertion's description: {@code .as(lb::log)}). */
    public String log() {
        try {
            return Files.exists(logFile()) ? Files.readString(logFile(), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "cannot read " + logFile() + ": " + e;
        }
    }

    /** One command on haproxy's admin socket (e.g. {@code show stat}); its answer. */
    public String admin(String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(dir.resolve("admin.sock")));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            StringBuilder out = new StringBuilder();
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.append(StandardCharsets.UTF_8.decode(buf));
                buf.clear();
            }
            return out.toString();
        }
    }

    /** How many backends haproxy counts as up (from {@code show stat}). */
    public int backendsUp() throws IOException {
        int up = 0;
        for (String line : admin("show stat").split("\n")) {
            String[] f = line.split(",", -1);
            if (f.length > 17 && f[0].equals("nodes") && f[1].startsWith("node") && f[17].startsWith("UP")) {
                up++;
            }
        }
        return up;
    }

    private void awaitReady(int backendsUp) throws IOException {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        IOException last = null;
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                throw new IOException("haproxy exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                // The admin socket answers once the configuration is loaded and every listener is bound.
                if (backendsUp() >= backendsUp) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(50); // a poll interval, not a wait for a state
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("haproxy not ready within " + READY_WITHIN + " (" + last + "):\n" + log());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
