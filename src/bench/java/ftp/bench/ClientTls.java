package ftp.bench;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS contexts for the load generator. Certificates are not checked: it measures speed on a machine the user
 * controls, against servers with self-signed certificates, and never carries real credentials. Each FTP session
 * gets its own context, because the JDK keeps one resumable session per host and port in a context's cache:
 * fifty sessions sharing a context would offer each other's sessions on their data connections. Any thread.
 */
final class ClientTls {
    private static final TrustManager[] TRUST_ANY = {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // a client never checks client certificates
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // see the class comment: speed measurement, self-signed servers
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }};

    private ClientTls() {}

    static SSLContext newContext() {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, TRUST_ANY, null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make a TLS context", e);
        }
    }

    /** A client engine that resumes sessions kept under {@code host:port}; {@code protocol} null means the JDK's choice. */
    static SSLEngine engine(SSLContext context, String host, int port, String protocol) {
        SSLEngine e = context.createSSLEngine(host, port);
        e.setUseClientMode(true);
        if (protocol != null) {
            e.setEnabledProtocols(new String[] {protocol});
        }
        return e;
    }
}
