package ftp.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;

/**
 * The byte pipe under one control connection: plain, then TLS after AUTH TLS (or TLS from the start on the
 * implicit-FTPS port); its interest ops, the flushing of replies, and closing. It knows nothing of commands:
 * what it reads it hands back to its {@link Owner}, the {@link Session}. Selector thread only.
 */
final class ControlPipe {
    /** What the pipe asks of the session above it. */
    interface Owner {
        /** True while the session takes more input (its line queue has room); the pipe reads only then. */
        boolean wantsInput();

        /** The pipe is done: writing failed ({@code why}), or the last replies left after {@link #closeAfterFlush}. */
        void pipeEnded(String why);
    }

    private final SocketChannel channel;
    private final Owner owner;
    private final Supplier<ControlIo> tls;
    private SelectionKey key;
    private ControlIo io;
    private boolean tlsOn;
    /**
     * AUTH TLS accepted, the handshake not yet begun (the 234 may still wait behind replies the client has not
     * read). Nothing is read meanwhile: the next byte taken from the socket goes to TLS.
     */
    private boolean tlsPending;
    private Reply greeting; // implicit FTPS: the 220 waits for the handshake
    private boolean closing;
    private long closingSinceNanos;

    /** {@code tls} opens TLS over {@code channel} when the session switches to it. */
    ControlPipe(SocketChannel channel, Owner owner, Supplier<ControlIo> tls) {
        this.channel = channel;
        this.owner = owner;
        this.tls = tls;
        this.io = new PlainControlIo(channel);
    }

    void attach(SelectionKey selectionKey) {
        this.key = selectionKey;
    }

    InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    // ---------------------------------------------------------------- reading

    /** Reads available bytes into {@code dst}; -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException {
        return io.read(dst);
    }

    /** True while reading waits for the switch to TLS. */
    boolean tlsPending() {
        return tlsPending;
    }

    /** True when bytes already taken from the socket may still yield input without a new read event. */
    boolean hasBufferedInput() {
        return io.hasBufferedInput();
    }

    // ---------------------------------------------------------------- writing

    /** The first reply: sent now, or, on the implicit-FTPS port, once the TLS handshake is done. */
    void greet(Reply reply) {
        if (io.ready()) {
            send(reply);
        } else {
            greeting = reply;
        }
    }

    /** After a read: sends the greeting held back for the TLS handshake once it is done, then flushes. */
    void afterRead() {
        if (greeting != null && io.ready()) {
            Reply r = greeting;
            greeting = null;
            send(r);
        }
        flush(); // a TLS handshake answers while reading; also re-arms OP_READ after a handshake task
    }

    void send(Reply reply) {
        if (!channel.isOpen()) {
            return;
        }
        try {
            io.write(ByteBuffer.wrap(reply.render().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            owner.pipeEnded("write failed: " + e.getMessage());
            return;
        }
        flush();
    }

    void flush() {
        try {
            boolean done = io.flush();
            if (done && tlsPending && !closing) {
                switchToTls();
            }
            updateInterest(done);
            if (done && closing) {
                owner.pipeEnded(null);
            }
        } catch (IOException e) {
            owner.pipeEnded("write failed: " + e.getMessage());
        }
    }

    /** Reads when the session wants input and TLS lets it; writes while replies wait to leave. */
    void updateInterest() {
        updateInterest(!io.hasPendingOutput());
    }

    private void updateInterest(boolean flushed) {
        if (key == null || !key.isValid()) {
            return;
        }
        boolean reading = owner.wantsInput() && !closing && !tlsPending && !io.readBlocked();
        key.interestOps((reading ? SelectionKey.OP_READ : 0) | (flushed ? 0 : SelectionKey.OP_WRITE));
    }

    // ---------------------------------------------------------------- TLS

    /**
     * Switches to TLS once {@code reply} (the 234, or nothing on the implicit-FTPS port) has left; nothing is
     * read until then, so a byte the client sent meanwhile is read by the TLS engine, which refuses it.
     */
    void startTls(Reply reply) {
        tlsPending = true;
        if (reply != null) {
            send(reply); // its flush switches as soon as nothing is left to send
        }
        if (tlsPending && !closing && !io.hasPendingOutput()) {
            switchToTls();
        }
        updateInterest();
    }

    private void switchToTls() {
        tlsPending = false;
        io = tls.get();
        tlsOn = true;
    }

    /** True once the control connection runs over TLS (not merely after AUTH TLS was accepted). */
    boolean tlsActive() {
        return tlsOn;
    }

    /** The connection's private TLS context (its data connections must use it too), or null before TLS. */
    SSLContext tlsContext() {
        return io instanceof TlsControlIo t ? t.context() : null;
    }

    /** The control connection's TLS session once its handshake completed, else null. */
    SSLSession tlsSession() {
        return io instanceof TlsControlIo t ? t.session() : null;
    }

    // ---------------------------------------------------------------- closing

    /** Sends what is queued, then ends ({@link Owner#pipeEnded} with null); reads nothing more. */
    void closeAfterFlush() {
        if (!closing) {
            closing = true;
            closingSinceNanos = System.nanoTime();
        }
        if (!io.hasPendingOutput()) {
            owner.pipeEnded(null);
        } else {
            updateInterest(false);
        }
    }

    /** True when the last replies have waited longer than {@code grace} for a client that does not read them. */
    boolean closingLongerThan(long nowNanos, Duration grace) {
        return closing && channel.isOpen() && nowNanos - closingSinceNanos > grace.toNanos();
    }

    /** Closes the socket at once. Idempotent. */
    void close() {
        closing = true;
        if (key != null) {
            key.cancel();
        }
        io.close();
    }
}
