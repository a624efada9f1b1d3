package ftp.server;

import ftp.tls.TlsControlChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;

/**
 * A control connection after AUTH TLS: the non-blocking {@link TlsControlChannel} seen as a {@link ControlIo}.
 * Selector thread only.
 */
final class TlsControlIo implements ControlIo {
    private final TlsControlChannel tls;
    private final SSLContext context;

    TlsControlIo(TlsControlChannel tls, SSLContext context) {
        this.tls = tls;
        this.context = context;
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
