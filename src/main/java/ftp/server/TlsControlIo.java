package ftp.server;

import ftp.tls.TlsChannel;
import ftp.tls.TlsContexts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;

/**
 * A control connection after AUTH TLS (or from the start, on the implicit-FTPS port): the non-blocking
 * {@link TlsChannel} seen as a {@link ControlIo}. Selector thread only.
 */
final class TlsControlIo implements ControlIo {
    private final TlsChannel tls;
    private final SSLContext context;

    private TlsControlIo(TlsChannel tls, SSLContext context) {
        this.tls = tls;
        this.context = context;
    }

    /**
     * TLS on {@code channel}, in a context of its own (see {@link ftp.tls.DataTls} for how that proves
     * data-connection resumption); delegated tasks run on {@code tasks}, which calls {@code onTaskDone} after each.
     */
    static TlsControlIo open(SocketChannel channel, TlsContexts contexts, Executor tasks, Runnable onTaskDone) {
        SSLContext context = contexts.newSessionContext();
        return new TlsControlIo(new TlsChannel(channel, context.createSSLEngine(), tasks, onTaskDone), context);
    }

    /** The session's private context, which its data connections must use too. */
    SSLContext context() {
        return context;
    }

    /** Null until the handshake completes: before that the engine's lock may be held by a handshake task. */
    SSLSession session() {
        return tls.handshakeComplete() ? tls.session() : null;
    }

    @Override
    public boolean readBlocked() {
        return tls.awaitingTask();
    }

    @Override
    public boolean ready() {
        return tls.handshakeComplete();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return tls.read(dst);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        tls.write(src);
    }

    @Override
    public boolean flush() throws IOException {
        return tls.flush();
    }

    @Override
    public boolean hasPendingOutput() {
        return tls.hasPendingOutput();
    }

    @Override
    public boolean hasBufferedInput() {
        return tls.hasBufferedInput();
    }

    @Override
    public void close() {
        tls.close();
    }
}
