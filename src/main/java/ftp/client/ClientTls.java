package ftp.client;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * The TLS side of one server connection: one {@link SSLContext} (and so one client session cache) whose trust is
 * the server's pinned certificate. The control connection and every data engine are created for the same
 * {@code host:port}, the key under which the JDK caches the session, so data connections resume the control
 * session. Main thread.
 */
final class ClientTls {
    private final SSLContext context;
    private final PinningTrustManager trust;
    private final String host;
    private final int port;
    private final String[] protocols;

    /** {@code protocols} empty means the JDK's defaults (TLS 1.3 and 1.2). */
    ClientTls(KnownHosts knownHosts, String host, int port, List<String> protocols) {
        this.host = host;
        this.port = port;
        this.trust = new PinningTrustManager(knownHosts, KnownHosts.endpoint(host, port));
        this.protocols = protocols.isEmpty() ? null : protocols.toArray(String[]::new);
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS", e);
        }
    }

    PinningTrustManager trust() {
        return trust;
    }

    /** Turns the plain control socket into TLS after {@code 234} and completes the handshake. */
    SSLSocket secureControl(Socket plain) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        socket.setUseClientMode(true);
        if (protocols != null) {
            socket.setEnabledProtocols(protocols);
        }
        socket.startHandshake();
        return socket;
    }

    /** An engine for one data connection, created under the control connection's host and port (see above). */
    SSLEngine dataEngine() {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        if (protocols != null) {
            engine.setEnabledProtocols(protocols);
        }
        return engine;
    }
}
