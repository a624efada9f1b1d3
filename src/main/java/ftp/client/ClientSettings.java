package ftp.client;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The client's settings from {@code <conf>/ftp.properties}, each with a default so that a missing file works.
 * Relative paths resolve against the conf directory's parent (the install directory). Immutable; any thread.
 *
 * @param host        {@code server.host}
 * @param port        {@code server.port}
 * @param downloadDir {@code download.dir}: where downloads land; its {@code .download/} keeps unfinished ones
 * @param tls         {@code tls}: AUTH TLS + PROT P (true) or plaintext on purpose (false)
 * @param locale      {@code locale}: empty for the environment's
 * @param knownHosts  {@code known_hosts}: pinned server certificates
 * @param protocols   {@code tls.protocols}: e.g. {@code TLSv1.3,TLSv1.2}; empty for the JDK's defaults
 * @param timeout     {@code timeout}: seconds to wait for the server before giving up
 * @param existing    {@code download.existing}: what a download does when its local file exists
 * @param history     {@code history.file}: the command lines typed at the prompt, for Up and Down
 * @param historySize {@code history.size}: how many of them are kept
 */
record ClientSettings(String host, int port, Path downloadDir, boolean tls, String locale, Path knownHosts,
                      List<String> protocols, Duration timeout, Existing existing, Path history, int historySize) {
    static final String FILE = "ftp.properties";

    /** What a download does when the local file already exists (unless {@code -f} says overwrite it). */
    enum Existing {
        /** Refuse, saying how to overwrite it. */
        REFUSE,
        /** Write {@code name (1).ext}, the first free such name, beside it. */
        RENAME
    }

    static ClientSettings load(Path confDir) throws IOException {
        Properties p = new Properties();
        Path file = confDir.resolve(FILE);
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
        }
        Path base = confDir.toAbsolutePath().normalize().getParent();
        if (base == null) {
            base = confDir.toAbsolutePath();
        }
        String protocols = value(p, "tls.protocols", "");
        return new ClientSettings(
                value(p, "server.host", "127.0.0.1"),
                number(p, "server.port", 2121, 1, 65535),
                base.resolve(value(p, "download.dir", "files")).normalize(),
                bool(p, "tls", true),
                value(p, "locale", ""),
                base.resolve(value(p, "known_hosts", "conf/known_hosts")).normalize(),
                protocols.isEmpty() ? List.of()
                        : Arrays.stream(protocols.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList(),
                Duration.ofSeconds(number(p, "timeout", 60, 1, 86_400)),
                existing(value(p, "download.existing", "refuse")),
                base.resolve(value(p, "history.file", "conf/history")).normalize(),
                number(p, "history.size", 1000, 0, 100_000));
    }

    private static String value(Properties p, String key, String fallback) {
        return p.getProperty(key, fallback).trim();
    }

    private static int number(Properties p, String key, int fallback, int min, int max) {
        String v = value(p, key, "");
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ": " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number: " + v, e);
        }
    }

    private static Existing existing(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "refuse" -> Existing.REFUSE;
            case "rename" -> Existing.RENAME;
            default -> throw new IllegalArgumentException("download.existing must be refuse or rename: " + v);
        };
    }

    private static boolean bool(Properties p, String key, boolean fallback) {
        String v = value(p, key, "").toLowerCase(Locale.ROOT);
        return switch (v) {
            case "" -> fallback;
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false: " + v);
        };
    }
}
