package ftp.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The file of pinned server certificates, like ssh's {@code known_hosts}: one line {@code host:port SHA256:AB:CD:...}
 * per server, {@code #} comments allowed. A server seen for the first time is trusted and appended; a server whose
 * certificate later differs from its line is refused. Fingerprints compare case- and colon-insensitively so that a
 * line pasted from {@code keytool} or {@code openssl x509 -fingerprint} works too. Main thread.
 */
final class KnownHosts {
    private final Path file;

    KnownHosts(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The key a server is pinned under: {@code host:port}, with brackets around an IPv6 address. */
    static String endpoint(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@code SHA256:AB:CD:...} of the certificate's DER encoding. */
    static String fingerprint(X509Certificate certificate) throws CertificateEncodingException {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return "SHA256:" + HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static boolean sameFingerprint(String a, String b) {
        return canonical(a).equals(canonical(b));
    }

    /** The fingerprint pinned for {@code endpoint}, if any line names it. */
    Optional<String> pinned(String endpoint) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 2 && !fields[0].startsWith("#") && fields[0].equalsIgnoreCase(endpoint)) {
                return Optional.of(fields[1]);
            }
        }
        return Optional.empty();
    }

    /** Appends a line for a server seen for the first time. */
    void pin(String endpoint, String fingerprint) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, endpoint + " " + fingerprint + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String canonical(String fingerprint) {
        String s = fingerprint.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("sha256:")) {
            s = s.substring("sha256:".length());
        } else if (s.startsWith("sha-256:")) {
            s = s.substring("sha-256:".length());
        }
        return s.replace(":", "").trim();
    }
}
