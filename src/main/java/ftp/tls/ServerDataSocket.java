package ftp.tls;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLEngine;

/**
 * The server side of a protected data connection: an {@link EngineSocket} that holds back the TLS 1.3
 * NewSessionTicket until it first sends data or {@code close_notify}.
 *
 * <p>Why: a TLS 1.3 server sends its ticket after the client's Finished, which is after the client may already
 * have written a whole small upload and closed. Clients that close an upload without reading (lftp with GnuTLS)
 * then have unread data in their socket, or get it after closing, and their kernel answers with a TCP reset
 * that throws away the part of the upload still in flight (seen here as uploads cut at ~80 KiB, with vsftpd
 * too, less often). Held back, the ticket goes out with the server's close_notify after the whole upload was
 * read: a client that waits for it (ours, Python's {@code unwrap()}) gets it, one that has gone only resets a
 * connection that is finished anyway. A download sends data at once, so the ticket leaves first as usual.
 *
 * <p>Threads: as {@link EngineSocket}; in the server, the one worker running the transfer, plus
 * {@code abort} from any thread on the plain channel underneath.
 */
final class ServerDataSocket extends EngineSocket {
    ServerDataSocket(Socket plain, SSLEngine engine) throws IOException {
        super(plain, engine);
    }

    @Override
    boolean holdsPostHandshakeOutput() {
        return true;
    }

    /** Sends what was held and close_notify (best effort: the client may be gone), then closes the connection. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (!isOutputShutdown()) {
                sendCloseNotify();
            }
        } catch (IOException bestEffort) {
            // the client may already be gone; closing the socket is what matters now
        } finally {
            closed = true;
            plain.close();
        }
    }
}
