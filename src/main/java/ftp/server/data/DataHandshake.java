package ftp.server.data;

import ftp.tls.DataTls;
import ftp.tls.TlsChannel;
import ftp.tls.TlsStream;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;

/**
 * The TLS handshake of one data connection (PROT P), run by the selector thread without blocking: the socket is
 * read and written when the selector reports it ready, the engine's delegated tasks run on the TLS task pool and
 * their end is posted back to the loop. Once it is complete, and its session accepted, the connection goes back to
 * blocking mode as the {@link TlsStream} a worker transfers over; a client that never completes it holds no
 * thread, only this object until its session's data timeout. Selector thread only.
 */
public final class DataHandshake {
    /**
     * How a handshake ended: complete ({@code failure} null: take its {@link #session}, then {@link #stream} or
     * {@link #refuse}), or failed (the connection is closed then).
     */
    @FunctionalInterface
    public interface Ending {
        void ended(DataHandshake handshake, IOException failure);
    }

    private final SocketChannel channel;
    private final Selector selector;
    private final Executor loop;
    private final TlsChannel tls;
    private final Ending ending;
    private SelectionKey key;
    private boolean over;

    /**
     * A handshake on {@code channel} (connected) under the control session's private {@code context}; delegated
     * tasks run on {@code tasks}, and {@code loop} runs what must go back to the selector thread.
     */
    public DataHandshake(SocketChannel channel, SSLContext context, Selector selector, Executor tasks,
                         Executor loop, Ending ending) {
        this.channel = channel;
        this.selector = selector;
        this.loop = loop;
        this.ending = ending;
        this.tls = TlsChannel.forData(channel, DataTls.serverEngine(context), tasks,
                () -> loop.execute(this::step));
    }

    /** Waits for the client's first bytes; ends later, never from within this call. */
    public void start() {
        try {
            channel.configureBlocking(false);
            key = channel.register(selector, SelectionKey.OP_READ, this);
        } catch (IOException e) {
            loop.execute(() -> fail(e));
        } catch (RuntimeException e) { // e.g. a cancelled key of the channel not yet deregistered by a select
            loop.execute(() -> fail(new IOException(e)));
        }
    }

    /** Selector thread: the socket is ready, or a delegated task ended. */
    public void step() {
        if (over) {
            return;
        }
        try {
            if (tls.handshake()) {
                over = true;
                key.cancel();
                ending.ended(this, null);
                return;
            }
            key.interestOps((tls.awaitingTask() ? 0 : SelectionKey.OP_READ)
                    | (tls.hasPendingOutput() ? SelectionKey.OP_WRITE : 0));
        } catch (IOException e) {
            fail(e);
        } catch (RuntimeException e) {
            fail(new IOException(e));
        }
    }

    private void fail(IOException e) {
        if (over) {
            return;
        }
        cancel();
        ending.ended(null, e);
    }

    /** Selector thread, once complete: the negotiated session. */
    public SSLSession session() {
        return tls.session();
    }

    /** Selector thread, once complete: the blocking stream for the worker's transfer. */
    public TlsStream stream() throws IOException {
        channel.configureBlocking(true); // the worker's transfer blocks; the key is cancelled already
        return tls.toStream();
    }

    /** Selector thread, once complete: ends the connection with close_notify, as far as the socket takes it now. */
    public void refuse() {
        tls.close();
    }

    /** Selector thread: ends the handshake unfinished (ABOR, timeout, closed session) and closes the connection. */
    public void cancel() {
        over = true;
        if (key != null) {
            key.cancel();
        }
        tls.close();
    }
}
