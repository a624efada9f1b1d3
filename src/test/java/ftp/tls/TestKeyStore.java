package ftp.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One self-signed key store for the whole test run, made by {@link KeyMaterial#ensureSelfSigned} in nested
 * directories of a temporary folder (keytool takes about a second), and client contexts that trust exactly its
 * certificate. Thread-safe lazy initialisation.
 */
final class TestKeyStore {
    static final char[] PASSWORD = "test-store-password".toCharArray();
    /** The certificate's name; clients here connect to loopback and rely on the pinned certificate instead. */
    static final String HOST_NAME = "ftp.example.org";
    private static Path p12;
    private static TlsContexts contexts;

    private TestKeyStore() {}

    static synchronized Path p12() {
        if (p12 == null) {
            try {
                Path dir = Files.createTempDirectory("ftp-tls-test");
                Path conf = dir.resolve("conf");
                Path file = conf.resolve("tls").resolve("ftpd.p12");
                KeyMaterial.ensureSelfSigned(file, PASSWORD, HOST_NAME);
                // deleted in reverse order of registration: the file first, then its directories
                for (Path made : List.of(dir, conf, file.getParent(), file)) {
                    made.toFile().deleteOnExit();
                }
                p12 = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return p12;
    }

    static synchronized TlsContexts contexts() {
        if (contexts == null) {
            try {
                contexts = TlsContexts.load(p12(), PASSWORD);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return contexts;
    }

    /** A plain JDK server context with our certificate and none of {@link TlsContexts}' bookkeeping. */
    static SSLContext unguardedServer() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(KeyMaterial.keyManagers(p12(), PASSWORD), null, null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh client context (own session cache) trusting only our server certificate. */
    static SSLContext trustingClient() {
        return trustingClient(p12(), PASSWORD, "TLS");
    }

    /** As {@link #trustingClient()}; a protocol such as "TLSv1.2" caps the versions the client offers. */
    static SSLContext trustingClient(String protocol) {
        return trustingClient(p12(), PASSWORD, protocol);
    }

    static SSLContext trustingClient(Path p12, char[] password, String protocol) {
        try {
            Certificate certificate = KeyMaterial.certificate(p12, password);
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("server", certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance(protocol);
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
