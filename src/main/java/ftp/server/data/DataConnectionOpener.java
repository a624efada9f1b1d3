package ftp.server.data;

import ftp.server.FtpReplyException;
import ftp.server.Outcome;
import ftp.server.Reply;
import ftp.server.ServerContext;
import ftp.server.SessionView;
import ftp.tls.TlsStream;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * Turns a settled {@link DataRoute} into the {@link DataConnection} a transfer command needs: takes its
 * connection (already up: the session hands a transfer to a worker only once the selector thread accepted the
 * passive connection or completed the active connect and, under PROT P, ran the TLS handshake and checked that the
 * client resumed the control connection's TLS session). The transfer holds the route while the worker waits and
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
            if (v.data().refusal() != null) {
                throw new FtpReplyException(v.data().refusal().code(), v.data().refusal().text());
            }
            if (v.transfer().aborted()) {
                throw new FtpReplyException(426, v.transfer().timedOut()
                        ? "No data connection within the data timeout; transfer aborted."
                        : "Connection closed; transfer aborted.");
            }
            throw new FtpReplyException(425, "Cannot open data connection.");
        }
        try {
            v.transfer().attach(() -> DataConnection.abort(channel)); // also wakes a TLS read or write
        } catch (IOException e) {
            throw new FtpReplyException(426, "Connection closed; transfer aborted.");
        }
        if (!v.options().protectedData()) {
            return new DataConnection(channel, null);
        }
        TlsStream tls = v.data().tls();
        if (tls == null) { // the loop hands a PROT P transfer over only with its TLS established
            close(channel);
            throw new FtpReplyException(425, "TLS handshake on the data connection failed.");
        }
        return new DataConnection(channel, tls);
    }

    /**
     * Worker: sends {@code ready} (the 150), then runs {@code rest}, which opens the data connection and uses it:
     * here at once for a plain connection (it is up already), or, under PROT P, once the loop has run the TLS
     * handshake the client starts after the 150, on this command's pool again: no worker waits for it.
     */
    public static Outcome afterPreliminary(SessionView v, Reply ready, Outcome.Rest rest) throws FtpReplyException {
        v.preliminary().accept(ready);
        return v.options().protectedData() ? Outcome.afterDataHandshake(rest) : rest.run();
    }

    private static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing
        }
    }
}
