package ftp.tls;

import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Which TLS versions and cipher suites our connections accept: TLS 1.3 and 1.2 only, and of the JDK's enabled
 * suites only those with forward secrecy and authenticated encryption. Stateless; any thread.
 */
public final class TlsPolicy {
    /** Newest first, so a client that offers both gets 1.3. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private TlsPolicy() {}

    /** Server mode, our protocols and suites, the server's suite order. */
    public static void configureServerEngine(SSLEngine engine) {
        engine.setUseClientMode(false);
        engine.setSSLParameters(serverParameters(engine.getSSLParameters()));
    }

    /**
     * Keeps suites with an ephemeral key exchange (every TLS 1.3 suite, ECDHE/DHE in 1.2) and an AEAD cipher;
     * drops static-RSA key exchange (no forward secrecy) and CBC (padding-oracle history).
     */
    static boolean acceptable(String suite) {
        if (suite.equals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")) {
            return true;
        }
        boolean tls13 = suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
        boolean ephemeral = suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_");
        boolean aead = suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_");
        return tls13 || (ephemeral && aead);
    }

    static SSLParameters serverParameters(SSLParameters parameters) {
        parameters.setProtocols(protocols(parameters.getProtocols()));
        parameters.setCipherSuites(Arrays.stream(parameters.getCipherSuites())
                .filter(TlsPolicy::acceptable)
                .toArray(String[]::new));
        parameters.setUseCipherSuitesOrder(true);
        parameters.setNeedClientAuth(false);
        return parameters;
    }

    /** Ours among those the context enables (a context made for "TLSv1.2" keeps a client at 1.2). */
    static String[] protocols(String[] enabled) {
        List<String> available = Arrays.asList(enabled);
        String[] chosen = PROTOCOLS.stream().filter(available::contains).toArray(String[]::new);
        if (chosen.length == 0) {
            throw new IllegalStateException("neither TLSv1.3 nor TLSv1.2 is enabled in this TLS context");
        }
        return chosen;
    }
}
