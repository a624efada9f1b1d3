package ftp.server.data;

import ftp.server.FtpReplyException;
import ftp.server.ServerContext;
import ftp.server.SessionView;
import ftp.tls.DataTls;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSocket;

/**
 * Turns a settled {@link DataRoute} into the {@link DataConnection} a transfer command needs: takes its
 * connection (already up: the session hands a transfer to a worker only once the selector thread accepted the
 * passive connection or completed the active connect), wraps it in TLS under PROT P and checks that the client resumed the control connection's TLS session
 * (the defence against data-connection theft). The transfer holds the route while the worker waits and
 * the connection once it is up, so ABOR, a stall or a vanished client can close either.
 * Worker thread only.
 */
public final class DataConnectionOpener {
    private DataConnectionOpener() {}

    public static DataConnection open(SessionView v) throws FtpReplyException {
        ServerContext server = v.server();
        SocketChannel channel;
        try {
            v.transfer().attach(v.data()); // ABOR or a vanished client must not leave this worker waiting
            channel = v.data().open(server.settings().dataTimeout());
        } catch (IOException e) {
            if (v.transfer().aborted()) {
                throw new FtpReplyException(426, v.transfer().timedOut()
                        ? "No data connection within the data timeout; transfer aborted."
                        : "Connection closed; transfer aborted.");
            }
            throw new FtpReplyException(425, "Cannot open data connection.");
        }
        try {
            v.transfer().attach(() -> DataConnection.abort(channel)); // also wakes a stuck TLS handshake
        } catch (IOException e) {
            throw new FtpReplyException(426, "Connection closed; transfer aborted.");
        }
        DataConnection conn;
        if (v.options().protectedData()) {
            SSLSocket tls;
            try {
                tls = DataTls.wrapAccepted(v.tlsContext(), channel.socket());
            } catch (IOException e) {
                close(channel);
                throw new FtpReplyException(425, "TLS handshake on the data connection failed.");
            }
            if (server.settings().tlsRequireSessionReuse() && !DataTls.resumes(tls.getSession(), v.controlTls())) {
                ServerContext.LOG.warning("data connection did not resume the control TLS session; refused (from="
                        + v.peer().getHostAddress() + ")");
                try {
                    tls.close();
                } catch (IOException ignored) {
                    // refusing anyway
                }
                close(channel);
                // Said to every client alike: what its user can change, and what the server's admin can.
                throw new FtpReplyException(522, "Data connection refused: resume the control connection's TLS"
                        + " session on data connections. Clients that cannot should use TLS 1.2 with session"
                        + " resumption, or ask the admin to set tls.require_session_reuse=false.");
            }
            conn = new DataConnection(channel, tls);
        } else {
            conn = new DataConnection(channel, null);
        }
        return conn;
    }

    private static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing
        }
    }
}
