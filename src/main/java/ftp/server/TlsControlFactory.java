package ftp.server;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSession;

/**
 * Builds the TLS side of control connections for the loop. Selector thread only.
 */
interface TlsControlFactory {
    ControlIo wrap(Session session, SocketChannel channel, Runnable onProgress) throws IOException;

    SSLSession sessionOf(ControlIo io);

    /** The private TLS context of a TLS control connection, for its data connections. */
    javax.net.ssl.SSLContext contextOf(ControlIo io);

    /** True for the implicit-FTPS listener, whose connections start with a TLS handshake. */
    boolean implicit(ServerSocketChannel listener);
}
