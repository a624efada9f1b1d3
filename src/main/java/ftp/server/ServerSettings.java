package ftp.server;

import ftp.fs.ByteSize;
import ftp.server.pool.ThreadPriority;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Every server setting with its safe default, read once from {@code ftpd.properties}. Relative paths
 * resolve against the conf directory's parent (the install directory). Immutable; any thread.
 */
public record ServerSettings(
        Path confDir,
        String listenHost,
        int listenPort,
        Path homeRoot,
        Path logDir,
        Path pidFile,
        Path accountsFile,
        int maxClients,
        int maxClientsPerIp,
        FullPolicy fullPolicy,
        int waitingRoom,
        Duration waitingTimeout,
        int workerThreads,
        int workerQueue,
        int transferThreads,
        ThreadPriority digestPriority,
        int passivePortFirst,
        int passivePortLast,
        Optional<InetAddress> passiveAddress,
        Duration idleTimeout,
        Duration dataTimeout,
        Duration loginTimeout,
        Duration shutdownGrace,
        OptionalLong defaultQuota,
        TlsMode tlsMode,
        Path tlsKeystore,
        String tlsKeystorePassword,
        boolean tlsRequireSessionReuse,
        int tlsImplicitPort,
        int pbkdf2Iterations,
        int maxLoginFailures,
        Duration loginBanTime,
        int maxConcurrentHashes,
        int maxLineLength,
        long logMaxSize,
        int logKeep,
        int logLinesPerAddress,
        Optional<InetSocketAddress> metricsListen) {

    public enum FullPolicy { REJECT, QUEUE }

    /** {@code remote}: TLS required except from loopback addresses, so netcat works on the server's own machine. */
    public enum TlsMode { OFF, OPTIONAL, REQUIRED, REMOTE }

    public static final String FILE_NAME = "ftpd.properties";

    /** Reads {@code confDir/ftpd.properties}; a missing file means every default. */
    public static ServerSettings load(Path confDir) throws IOException {
        Properties p = new Properties();
        Path file = confDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        return from(p, confDir);
    }

    public static ServerSettings from(Properties p, Path confDir) {
        Settings s = new Settings(p, confDir.toAbsolutePath().normalize());
        int threads = s.integer("workers.threads", Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), 1, 1024);
        int[] passive = s.portRange("passive.ports", "50000-50100");
        int maxClients = s.integer("clients.max", 10, 1, 100_000);
        FullPolicy fullPolicy = FullPolicy.valueOf(s.string("clients.full_policy", "reject").toUpperCase(Locale.ROOT));
        int waitingRoom = s.integer("clients.waiting_room", 20, 0, 10_000);
        // The per-address cap counts waiting connections too; by default one address may use every slot.
        int perAddressDefault = maxClients + (fullPolicy == FullPolicy.QUEUE ? waitingRoom : 0);
        return new ServerSettings(
                s.confDir,
                s.string("listen.host", "127.0.0.1"),
                s.integer("listen.port", 2121, 0, 65535),
                s.path("home.root", "home"),
                s.path("log.dir", "log"),
                s.path("pid.file", "run/ftpd.pid"),
                s.path("accounts.file", "conf/accounts.ini"),
                maxClients,
                s.integer("clients.max_per_ip", perAddressDefault, 1, 200_000),
                fullPolicy,
                waitingRoom,
                s.duration("clients.waiting_timeout", "60s"),
                threads,
                s.integer("workers.queue", Math.max(64, 4 * maxClients), 1, 1_000_000),
                s.integer("workers.transfer_threads", Math.min(maxClients, 64), 1, 4096),
                s.priority("workers.digest_priority", ThreadPriority.IDLE),
                passive[0],
                passive[1],
                s.address("passive.address"),
                s.duration("timeouts.idle", "300s"),
                s.duration("timeouts.data", "30s"),
                s.duration("timeouts.login", "60s"),
                s.duration("timeouts.shutdown", "10s"),
                ByteSize.parse(s.string("quota.default", "100M")),
                TlsMode.valueOf(s.string("tls.mode", "remote").toUpperCase(Locale.ROOT)),
                s.path("tls.keystore", "conf/ftpd.p12"),
                s.string("tls.keystore_password", "changeit"),
                Boolean.parseBoolean(s.string("tls.require_session_reuse", "true")),
                s.integer("tls.implicit_port", -1, -1, 65535),
                s.integer("auth.pbkdf2_iterations", 600_000, 1_000, 10_000_000),
                s.integer("auth.max_failures", 5, 1, 1000),
                s.duration("auth.ban_time", "300s"),
                s.integer("auth.max_concurrent_hashes", Math.max(1, Runtime.getRuntime().availableProcessors() - 1), 1, 64),
                s.integer("limits.line_length", 8192, 512, 1 << 20),
                s.size("log.max_size", "10M", 4096),
                s.integer("log.keep", 5, 0, 1000),
                s.integer("log.lines_per_address", 30, 0, 1_000_000),
                s.hostAndPort("metrics.listen"));
    }

    public boolean passiveEnabled() {
        return passivePortFirst > 0;
    }

    /** Typed reads of the raw properties with clear errors naming the key. */
    private record Settings(Properties p, Path confDir) {
        String string(String key, String def) {
            return p.getProperty(key, def).trim();
        }

        int integer(String key, int def, int min, int max) {
            String raw = string(key, Integer.toString(def));
            try {
                int v = Integer.parseInt(raw);
                if (v < min || v > max) {
                    throw new IllegalArgumentException(key + "=" + raw + " is out of range " + min + ".." + max);
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + "=" + raw + " is not a number", e);
            }
        }

        /**
         * An address resolved now, once: a host name here would otherwise mean a DNS lookup on the selector
         * thread at every PASV.
         */
        Optional<InetAddress> address(String key) {
            String raw = string(key, "");
            if (raw.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(InetAddress.getByName(raw));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(key + "=" + raw + " cannot be resolved", e);
            }
        }

        /** A bounded size: at least {@code min} bytes, never {@code none}. */
        long size(String key, String def, long min) {
            String raw = string(key, def);
            OptionalLong v;
            try {
                v = ByteSize.parse(raw);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "=" + raw + " is not a size (e.g. 10M)", e);
            }
            if (v.isEmpty() || v.getAsLong() < min) {
                throw new IllegalArgumentException(key + "=" + raw + " must be a size of at least " + min + " bytes");
            }
            return v.getAsLong();
        }

        /** {@code HOST:PORT} ({@code [V6]:PORT} for IPv6), resolved now; empty when unset. */
        Optional<InetSocketAddress> hostAndPort(String key) {
            String raw = string(key, "");
            if (raw.isEmpty()) {
                return Optional.empty();
            }
            int colon = raw.lastIndexOf(':');
            String host = colon < 0 ? "" : raw.substring(0, colon).replaceAll("^\\[|\\]$", "");
            try {
                int port = Integer.parseInt(raw.substring(colon + 1));
                if (host.isEmpty() || port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return Optional.of(new InetSocketAddress(InetAddress.getByName(host), port));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + "=" + raw + " must be HOST:PORT, e.g. 127.0.0.1:9121", e);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(key + "=" + raw + " cannot be resolved", e);
            }
        }

        ThreadPriority priority(String key, ThreadPriority def) {
            String raw = string(key, def.name());
            try {
                return ThreadPriority.parse(raw);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "=" + raw + " must be idle, low or normal", e);
            }
        }

        Path path(String key, String def) {
            Path raw = Path.of(string(key, def));
            Path base = confDir.getParent() == null ? confDir : confDir.getParent();
            return raw.isAbsolute() ? raw : base.resolve(raw).normalize();
        }

        Duration duration(String key, String def) {
            String raw = string(key, def).toLowerCase(Locale.ROOT);
            try {
                if (raw.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(raw.substring(0, raw.length() - 2)));
                }
                if (raw.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(raw.substring(0, raw.length() - 1)));
                }
                if (raw.endsWith("s")) {
                    raw = raw.substring(0, raw.length() - 1);
                }
                return Duration.ofSeconds(Long.parseLong(raw));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + "=" + raw + " is not a duration (e.g. 30s, 500ms, 5m)", e);
            }
        }

        int[] portRange(String key, String def) {
            String raw = string(key, def);
            if (raw.equals("0") || raw.equalsIgnoreCase("off")) {
                return new int[] {0, 0};
            }
            String[] parts = raw.split("-");
            try {
                int first = Integer.parseInt(parts[0].trim());
                int last = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : first;
                if (parts.length > 2 || first < 1024 || last > 65535 || first > last) {
                    throw new IllegalArgumentException(key + "=" + raw + " must be a range like 50000-50100 above 1023");
                }
                return new int[] {first, last};
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + "=" + raw + " must be a range like 50000-50100", e);
            }
        }
    }
}
