package ftp.tls;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;

/**
 * Client-side TLS for the tests' FTPS connections, with our protocol versions (suites stay the JDK's: the
 * server picks), such that every data connection resumes the control connection's session,
 * as servers that require session reuse demand. Stateless; any thread.
 *
 * <p>What the JDK 17 client does (verified by {@code DataTlsTest}): it looks a session up by the peer's
 * host string and port. A layered {@code SSLSocket} made for a data connection uses the data connection's real
 * port, so it never resumes. An {@link SSLEngine} made with {@code createSSLEngine(host, controlPort)} does; and
 * under TLS 1.3, where a ticket is good for one connection, each connection must read the ticket the server sends
 * after its handshake so the next one has a ticket. {@link #clientDataSocket} does both. Use the same
 * {@link SSLContext} and the same {@code host} string for the control connection ({@link #clientControlSocket})
 * and all its data connections.
 */
public final class ClientResumption {
    private ClientResumption() {}

    /** TLS over a connected control connection, handshake done; its session is what data connections resume. */
    public static SSLSocket clientControlSocket(SSLContext ctx, Socket plain, String host, int port)
            throws IOException {
        SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true);
        try {
            tls.setUseClientMode(true);
            tls.setEnabledProtocols(TlsPolicy.protocols(tls.getEnabledProtocols()));
            tls.startHandshake();
            return tls;
        } catch (IOException | RuntimeException e) {
            tls.close();
            throw e;
        }
    }

    /**
     * TLS over a connected data connection, resuming the session of the control connection to
     * {@code host}:{@code controlPort}; handshake done before return. Close it with {@code close()} (not by
     * closing {@code plain}): under TLS 1.3 that is when an upload picks up the ticket for the next connection.
     */
    public static TlsStream clientDataSocket(SSLContext ctx, Socket plain, String host, int controlPort)
            throws IOException {
        SSLEngine engine = ctx.createSSLEngine(host, controlPort);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(TlsPolicy.protocols(engine.getEnabledProtocols()));
        ResumingClientSocket tls = new ResumingClientSocket(plain, engine);
        try {
            tls.startHandshake();
            return tls;
        } catch (IOException | RuntimeException e) {
            tls.close();
            throw e;
        }
    }
}
