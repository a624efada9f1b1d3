package ftp.server;

import ftp.server.pool.WorkerPool;
import ftp.tls.TlsControlChannel;
import ftp.tls.TlsPolicy;

import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import ftp.tls.TlsContexts;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * Puts TLS under control connections (after AUTH TLS, or at once on the implicit-FTPS port). Handshake tasks
 * run on the worker pool, never on the selector thread. Selector thread only.
 */
final class TlsControl implements TlsControlFactory {
    private final TlsContexts contexts;
    private final WorkerPool workers;
    private final Set<ServerSocketChannel> implicitListeners;

    TlsControl(TlsContexts contexts, WorkerPool workers, Set<ServerSocketChannel> implicitListeners) {
        this.contexts = contexts;
        this.workers = workers;
        this.implicitListeners = implicitListeners;
    }

    @Override
    public ControlIo wrap(Session session, SocketChannel channel, Runnable onProgress) {
        // A private context per control session: see DataTls for how that proves data-connection resumption.
        javax.net.ssl.SSLContext context = contexts.newSessionContext();
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        TlsPolicy.configureServerEngine(engine);
        return new TlsControlIo(new TlsControlChannel(channel, engine, workers, onProgress), context);
    }

    @Override
    public SSLSession sessionOf(ControlIo io) {
        return io instanceof TlsControlIo t ? t.session() : null;
    }

    @Override
    public javax.net.ssl.SSLContext contextOf(ControlIo io) {
        return io instanceof TlsControlIo t ? t.context() : null;
    }

    @Override
    public boolean implicit(ServerSocketChannel listener) {
        return implicitListeners.contains(listener);
    }
}
