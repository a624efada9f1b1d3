package ftp.client;

import java.io.IOException;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts one server's certificate by its pinned fingerprint instead of a certificate authority: our servers use
 * self-signed certificates, so trust comes from first use and stays with that certificate. Bound to the control
 * connection's {@code host:port}, so a data connection that makes a full handshake must show the same certificate.
 * Remembers what it decided so that the caller can tell the user, and pin after a successful handshake. Called by
 * the JDK on the thread doing a handshake; the client does one at a time.
 */
final class PinningTrustManager extends X509ExtendedTrustManager {
    /** What the last check found. */
    enum Verdict { NOT_CHECKED, FIRST_USE, PINNED, CHANGED }

    private final KnownHosts knownHosts;
    private final String endpoint;
    private Verdict verdict = Verdict.NOT_CHECKED;
    private String expected;
    private String offered;

    PinningTrustManager(KnownHosts knownHosts, String endpoint) {
        this.knownHosts = knownHosts;
        this.endpoint = endpoint;
    }

    Verdict verdict() {
        return verdict;
    }

    /** The pinned fingerprint (after {@link Verdict#CHANGED}: the one expected). */
    String expected() {
        return expected;
    }

    /** The fingerprint of the certificate the server showed last. */
    String offered() {
        return offered;
    }

    String endpoint() {
        return endpoint;
    }

    /** Writes the pin of a certificate trusted on first use; the caller does it once the handshake succeeded. */
    void pinFirstUse() throws IOException {
        if (verdict == Verdict.FIRST_USE) {
            knownHosts.pin(endpoint, offered);
            expected = offered;
            verdict = Verdict.PINNED;
        }
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        offered = KnownHosts.fingerprint(chain[0]);
        if (expected == null) {
            try {
                Optional<String> pinned = knownHosts.pinned(endpoint);
                expected = pinned.orElse(null);
            } catch (IOException e) {
                throw new CertificateException("cannot read " + knownHosts.file() + ": " + e.getMessage(), e);
            }
        }
        if (expected == null) {
            // First use: remember it in memory so that data connections are held to the same certificate.
            expected = offered;
            verdict = Verdict.FIRST_USE;
        } else if (KnownHosts.sameFingerprint(expected, offered)) {
            verdict = verdict == Verdict.FIRST_USE ? Verdict.FIRST_USE : Verdict.PINNED;
        } else {
            verdict = Verdict.CHANGED;
            throw new CertificateException("the certificate of " + endpoint + " has changed: pinned " + expected
                    + ", offered " + offered);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager checks servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("this trust manager checks servers only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("this trust manager checks servers only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
