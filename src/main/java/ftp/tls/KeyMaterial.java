package ftp.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The server's key store: creates a self-signed certificate with the JDK's own {@code keytool} on first start,
 * loads it into key managers and TLS contexts, and prints its fingerprint. Stateless; any thread (the start-up
 * thread in practice, because {@code keytool} and key store decryption take a while).
 *
 * <p>The key is EC P-256: {@code keytool} makes it in a fraction of the time an RSA 3072 key takes, and every
 * TLS 1.2/1.3 client we care about (curl, lftp, Python, FileZilla, the JDK) accepts ECDSA.
 */
public final class KeyMaterial {
    /** About 27 months: the longest validity browsers ever accepted, and long enough not to surprise an admin. */
    static final int VALIDITY_DAYS = 825;
    static final String ALIAS = "ftpd";

    /** Host names and IP literals only: the name ends up inside keytool's -dname and -ext syntax. */
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:-]{0,252}");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");
    private static final long KEYTOOL_TIMEOUT_SECONDS = 120;
    private static final String PASSWORD_VARIABLE = "FTPD_KEYSTORE_PASSWORD";

    private KeyMaterial() {}

    /**
     * Creates {@code p12} (and its parent directories) with a self-signed certificate for {@code hostName} unless
     * the file already exists. The key store is written into a private directory first and then moved into place,
     * so the private key is never readable by others, not even for a moment, and a crash leaves no half file.
     */
    public static void ensureSelfSigned(Path p12, char[] password, String hostName) throws IOException {
        if (Files.exists(p12)) {
            return;
        }
        if (!HOST_NAME.matcher(hostName).matches()) {
            throw new IllegalArgumentException("not a host name or IP address: " + hostName);
        }
        Path parent = p12.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path workDir = createPrivateDirectory(parent);
        try {
            Path fresh = workDir.resolve("new.p12");
            runKeytool(fresh, password, hostName);
            makePrivate(fresh);
            try {
                Files.move(fresh, p12, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException raced) {
                // another process created it meanwhile: theirs is as good as ours
            }
        } finally {
            deleteTree(workDir);
        }
    }

    /** Key managers for {@code p12}; shared by every TLS context the server makes. */
    public static KeyManager[] keyManagers(Path p12, char[] password) throws IOException {
        try {
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(load(p12, password), password);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use key store " + p12 + ": " + e.getMessage(), e);
        }
    }

    /**
     * A TLS context serving the certificate in {@code p12}, for <em>one</em> control session and its data
     * connections (it refuses a second control handshake; see {@link TlsContexts}). It reads and decrypts the key
     * store on every call, so a server loads {@link TlsContexts} once and asks it for each session's context.
     * Protocol versions and cipher suites are restricted per connection by {@link TlsPolicy}.
     */
    public static SSLContext serverContext(Path p12, char[] password) throws IOException {
        return TlsContexts.load(p12, password).newSessionContext();
    }

    /** SHA-256 fingerprint of the server certificate in {@code p12}, as {@code keytool -list} prints it. */
    public static String sha256Fingerprint(Path p12, char[] password) throws IOException {
        KeyStore store = load(p12, password);
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate leaf) {
                    return sha256Fingerprint(leaf);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read key store " + p12 + ": " + e.getMessage(), e);
        }
        throw new IOException("no private key with a certificate in " + p12);
    }

    /** SHA-256 of the certificate's DER encoding as colon-separated uppercase hex ({@code AB:CD:...}). */
    public static String sha256Fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    static KeyStore load(Path p12, char[] password) throws IOException {
        try (InputStream in = Files.newInputStream(p12)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return store;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot open key store " + p12 + ": " + e.getMessage(), e);
        }
    }

    /** First certificate stored under the server's alias, for tests and the status command. */
    static Certificate certificate(Path p12, char[] password) throws IOException {
        try {
            return load(p12, password).getCertificate(ALIAS);
        } catch (GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static void runKeytool(Path target, char[] password, String hostName) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                keytool().toString(), "-genkeypair", "-noprompt",
                "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-validity", Integer.toString(VALIDITY_DAYS),
                "-dname", "CN=" + hostName,
                "-ext", "SAN=" + subjectAlternativeNames(hostName),
                "-storetype", "PKCS12",
                "-keystore", target.toString(),
                // the password travels in the child's environment, never on a command line others can list
                "-storepass:env", PASSWORD_VARIABLE));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_VARIABLE, new String(password));
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readNBytes(16 * 1024);
        }
        try {
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
        if (process.exitValue() != 0 || !Files.exists(target)) {
            throw new IOException("keytool failed (exit " + process.exitValue() + "): "
                    + new String(output, StandardCharsets.UTF_8).strip());
        }
    }

    static String subjectAlternativeNames(String hostName) {
        List<String> names = new ArrayList<>();
        String lower = hostName.toLowerCase(Locale.ROOT);
        names.add((IP_LITERAL.matcher(hostName).matches() ? "ip:" : "dns:") + hostName);
        if (!lower.equals("localhost")) {
            names.add("dns:localhost");
        }
        if (!hostName.equals("127.0.0.1")) {
            names.add("ip:127.0.0.1");
        }
        return String.join(",", names);
    }

    /** keytool from the JDK running us: the one beside the {@code java} binary, else under {@code java.home}. */
    static Path keytool() {
        String name = System.getProperty("os.name", "").startsWith("Windows") ? "keytool.exe" : "keytool";
        Path beside = ProcessHandle.current().info().command()
                .map(java -> Path.of(java).resolveSibling(name))
                .filter(Files::isExecutable)
                .orElse(null);
        return beside != null ? beside : Path.of(System.getProperty("java.home"), "bin", name);
    }

    private static Path createPrivateDirectory(Path parent) throws IOException {
        if (Files.getFileAttributeView(parent, PosixFileAttributeView.class) == null) {
            return Files.createTempDirectory(parent, ".keygen");
        }
        return Files.createTempDirectory(parent, ".keygen",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private static void makePrivate(Path file) throws IOException {
        if (Files.getFileAttributeView(file, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                Files.deleteIfExists(entry);
            }
        }
        Files.deleteIfExists(dir);
    }
}
