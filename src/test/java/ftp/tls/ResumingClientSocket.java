package ftp.tls;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;

/**
 * The client side of a data connection: a {@link TlsStream} whose engine is created with the <em>control</em>
 * connection's host and port. The JDK looks client sessions up by that pair, so every data connection offers the
 * control session for resumption (a layered JDK {@code SSLSocket} keys the lookup by the data connection's real
 * port and never resumes).
 *
 * <p>Under TLS 1.3 a resumption ticket is good for one connection, so each connection must receive the server's
 * next ticket before it closes. A download reads it before the data. After an upload, {@link #close()} sends
 * {@code close_notify} and then reads, briefly, until the server's own close_notify: a server may send the ticket
 * only then (ours does, see {@link TlsStream}), and reading first would wait for a ticket that is not coming.
 *
 * <p>Threads: as {@link TlsStream}.
 */
final class ResumingClientSocket extends TlsStream {
    /** Upper bound on the wait for the server's ticket and close_notify at close. */
    static final int TICKET_WAIT_MILLIS = 1000;

    private volatile boolean ticketSeen;

    ResumingClientSocket(Socket plain, SSLEngine engine) throws IOException {
        super(plain, engine);
    }

    @Override
    void postHandshakeMessageSeen() {
        ticketSeen = true;
    }

    /**
     * Sends {@code close_notify}, then, under TLS 1.3 with no ticket seen yet, reads until the server closes (at
     * most {@link #TICKET_WAIT_MILLIS}), then closes the connection.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (handshakeDone() && writeLock.tryLock(TICKET_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                try {
                    sendCloseNotify();
                } finally {
                    writeLock.unlock();
                }
                if (!ticketSeen && !inboundDone() && "TLSv1.3".equals(engine.getSession().getProtocol())) {
                    awaitTicket();
                }
            }
        } catch (IOException | InterruptedException bestEffort) {
            // the peer may already be gone; closing the socket is what matters now
            if (bestEffort instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            closed = true;
            plain.close();
        }
    }

    private void awaitTicket() throws IOException {
        if (!readLock.tryLock()) {
            return; // a reader is active and will see the ticket itself
        }
        int previousTimeout = plain.getSoTimeout();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TICKET_WAIT_MILLIS);
        try {
            while (!ticketSeen && !inboundDone()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                plain.setSoTimeout((int) left);
                unwrapSome(); // application data the server still sends is dropped: the caller is done
            }
        } catch (SocketTimeoutException noTicket) {
            // the server sends none; the next data connection will make a full handshake
        } finally {
            plain.setSoTimeout(previousTimeout);
            readLock.unlock();
        }
    }
}
