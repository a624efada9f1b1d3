package ftp.server;

import ftp.fs.ByteSize;
import ftp.fs.QuotaLedger;
import ftp.fs.Umask;
import ftp.log.LogField;
import ftp.server.proxy.BalancerAddresses;
import ftp.server.proxy.ProxyProtocol;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Every server setting with its safe default, read once from {@code ftpd.properties}. Relative paths
 * resolve against the conf directory's parent (the install directory), except that the accounts file and the
 * key store default to files inside the conf directory itself, so {@code --conf DIR} never reads another conf.
 * A key this class does not read, or a value it cannot parse, is refused with the key named. Immutable; any
 * thread.
 */
public record ServerSettings(
        Path confDir,
        String listenHost,
        int listenPort,
        ProxyProtocol proxyProtocol,
        BalancerAddresses proxyFrom,
        String nodeName,
        Path homeRoot,
        Path logDir,
        Path pidFile,
        Path accountsFile,
        int maxClients,
        int maxClientsPerIp,
        int maxUnauthenticated,
        int maxUnauthenticatedPerIp,
        FullPolicy fullPolicy,
        int waitingRoom,
        Duration waitingTimeout,
        int workerThreads,
        int workerQueue,
        int transferThreads,
        int tlsThreads,
        Duration workerKeepAlive,
        int passivePortFirst,
        int passivePortLast,
        Optional<InetAddress> passiveAddress,
        Duration idleTimeout,
        Duration dataTimeout,
        Duration loginTimeout,
        Duration shutdownGrace,
        OptionalLong defaultQuota,
        OptionalLong defaultFiles,
        long quotaLeaseSize,
        Duration quotaLeaseTime,
        Umask filesUmask,
        TlsMode tlsMode,
        Path tlsKeystore,
        String tlsKeystorePassword,
        boolean tlsRequireSessionReuse,
        boolean tlsLoopbackPlainData,
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

    /**
     * Reads {@code confDir/ftpd.properties}; a missing file means every default. An unknown or malformed key is
     * an {@link IOException} naming the file and the key: the file cannot be used.
     */
    public static ServerSettings load(Path confDir) throws IOException {
        Properties p = new Properties();
        Path file = confDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        try {
            return from(p, confDir);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code p}; throws {@link IllegalArgumentException} naming the first unknown or malformed key. */
    public static ServerSettings from(Properties p, Path confDir) {
        Settings s = new Settings(p, confDir.toAbsolutePath().normalize(), new HashSet<>());
        int threads = s.integer("workers.threads", Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), 1, 1024);
        int[] passive = s.portRange("passive.ports", "50000-50100");
        int maxClients = s.integer("clients.max", 10, 1, 100_000);
        FullPolicy fullPolicy = s.choice("clients.full_policy", FullPolicy.REJECT);
        int waitingRoom = s.integer("clients.waiting_room", 20, 0, 10_000);
        // clients.max and clients.max_per_ip count logged-in sessions; by default one address may hold half of
        // them, so it can never lock everyone else out. Connections not yet logged in have their own budget.
        int perAddressDefault = Math.max(1, (maxClients + 1) / 2);
        ProxyProtocol proxyProtocol = s.choice("listen.proxy_protocol", ProxyProtocol.OFF);
        ServerSettings settings = new ServerSettings(
                s.confDir,
                s.string("listen.host", "127.0.0.1"),
                s.integer("listen.port", 2121, 0, 65535),
                proxyProtocol,
                s.balancers("listen.proxy_from", proxyProtocol),
                s.nodeName("node.name"),
                s.path("home.root", "home"),
                s.path("log.dir", "log"),
                s.path("pid.file", "run/ftpd.pid"),
                s.path("accounts.file", s.confDir.resolve("accounts.ini").toString()),
                maxClients,
                s.integer("clients.max_per_ip", perAddressDefault, 1, 200_000),
                s.integer("clients.max_unauthenticated", Math.max(32, 2 * maxClients), 1, 200_000),
                s.integer("clients.max_unauthenticated_per_ip", 4, 1, 200_000),
                fullPolicy,
                waitingRoom,
                s.duration("clients.waiting_timeout", "60s"),
                threads,
                s.integer("workers.queue", Math.max(64, 4 * maxClients), 1, 1_000_000),
                s.integer("workers.transfer_threads", Math.min(maxClients, 64), 1, 4096),
                s.integer("workers.tls_threads", Math.min(4, Runtime.getRuntime().availableProcessors()), 1, 64),
                s.duration("workers.keep_alive", "30s"),
                passive[0],
                passive[1],
                s.address("passive.address"),
                s.duration("timeouts.idle", "300s"),
                s.duration("timeouts.data", "30s"),
                s.duration("timeouts.login", "30s"),
                s.duration("timeouts.shutdown", "10s"),
                s.size("quota.default", "100M"),
                s.fileLimit("quota.files", "100000"),
                s.boundedSize("quota.lease_size", "4M", 4096),
                s.atLeastASecond("quota.lease_time", "30s"),
                s.umask("files.umask", Umask.DEFAULT),
                s.choice("tls.mode", TlsMode.REMOTE),
                s.path("tls.keystore", s.confDir.resolve("ftpd.p12").toString()),
                s.string("tls.keystore_password", "changeit"),
                s.bool("tls.require_session_reuse", true),
                s.bool("tls.loopback_plain_data", false),
                s.integer("tls.implicit_port", -1, -1, 65535),
                s.integer("auth.pbkdf2_iterations", 600_000, 1_000, 10_000_000),
                s.integer("auth.max_failures", 5, 1, 1000),
                s.duration("auth.ban_time", "300s"),
                s.integer("auth.max_concurrent_hashes", Math.max(1, Runtime.getRuntime().availableProcessors() - 1), 1, 64),
                s.integer("limits.line_length", 8192, 512, 1 << 20),
                s.boundedSize("log.max_size", "10M", 4096),
                s.integer("log.keep", 5, 0, 1000),
                s.integer("log.lines_per_address", 30, 0, 1_000_000),
                s.hostAndPort("metrics.listen"));
        s.refuseUnread();
        return settings;
    }

    public boolean passiveEnabled() {
        return passivePortFirst > 0;
    }

    /**
     * Typed reads of the raw properties with clear errors naming the key. Every read marks its key known, so the
     * reads above are the one list of settings: read each key unconditionally, or it will be refused as unknown.
     */
    private record Settings(Properties p, Path confDir, Set<String> known) {
        String string(String key, String def) {
            known.add(key);
            return p.getProperty(key, def).trim();
        }

        /** Refuses the first key present in the file that no read asked for, with the nearest known key. */
        void refuseUnread() {
            for (String key : new TreeSet<>(p.stringPropertyNames())) {
                if (!known.contains(key)) {
                    throw new IllegalArgumentException("unknown setting " + key
                            + SettingNames.nearest(key, known).map(k -> " — did you mean " + k + "?").orElse(""));
                }
            }
        }

        boolean bool(String key, boolean def) {
            String raw = string(key, Boolean.toString(def)).toLowerCase(Locale.ROOT);
            return switch (raw) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> throw new IllegalArgumentException(key + "=" + raw + " must be true or false");
            };
        }

        <E extends Enum<E>> E choice(String key, E def) {
            String raw = string(key, def.name().toLowerCase(Locale.ROOT));
            for (E option : def.getDeclaringClass().getEnumConstants()) {
                if (option.name().equalsIgnoreCase(raw)) {
                    return option;
                }
            }
            throw new IllegalArgumentException(key + "=" + raw + " must be one of "
                    + Arrays.stream(def.getDeclaringClass().getEnumConstants())
                            .map(o -> o.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
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

        /**
         * Required when a PROXY header is expected: trusting it from anyone would let any client claim any
         * address, and so dodge every per-address limit and ban.
         */
        BalancerAddresses balancers(String key, ProxyProtocol protocol) {
            String raw = string(key, "");
            BalancerAddresses parsed;
            try {
                parsed = BalancerAddresses.parse(raw);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
            }
            if (protocol != ProxyProtocol.OFF && parsed.isEmpty()) {
                throw new IllegalArgumentException(key + " must list the load balancers' addresses when "
                        + "listen.proxy_protocol=" + protocol.name().toLowerCase(Locale.ROOT));
            }
            return parsed;
        }

        /** A short printable token, as it goes unquoted into log lines and xferlog; the host name by default. */
        String nodeName(String key) {
            String raw = string(key, NodeName.ofThisHost());
            if (!NodeName.valid(raw)) {
                throw new IllegalArgumentException(key + "=" + LogField.quote(raw) + " must be 1 to "
                        + NodeName.MAX_LENGTH + " letters, digits, '.', '_' or '-'");
            }
            return raw;
        }

        Umask umask(String key, Umask def) {
            String raw = string(key, String.format("%03o", def.bits()));
            try {
                return Umask.parse(raw);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "=" + raw + " must be octal like 077 or 027", e);
            }
        }

        OptionalLong fileLimit(String key, String def) {
            String raw = string(key, def);
            try {
                return QuotaLedger.parseFileLimit(raw);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "=" + raw + " must be a number of files or none", e);
            }
        }


        OptionalLong size(String key, String def) {
            String raw = string(key, def);
            try {
                return ByteSize.parse(raw);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "=" + raw + " is not a size (e.g. 500K, 100M, 2G or none)", e);
            }
        }

        /** A size of at least {@code min} bytes, never {@code none}. */
        long boundedSize(String key, String def, long min) {
            OptionalLong v = size(key, def);
            if (v.isEmpty() || v.getAsLong() < min) {
                throw new IllegalArgumentException(key + "=" + string(key, def) + " must be a size of at least " + min
                        + " bytes");
            }
            return v.getAsLong();
        }

        /** A duration of at least one second. */
        Duration atLeastASecond(String key, String def) {
            Duration d = duration(key, def);
            if (d.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException(key + "=" + string(key, def) + " must be at least 1s");
            }
            return d;
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
