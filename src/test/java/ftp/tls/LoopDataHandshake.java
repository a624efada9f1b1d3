package ftp.tls;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The server side of a data connection's TLS handshake as the server's loop runs it ({@link TlsChannel#forData},
 * then {@link TlsChannel#toStream}), driven here by a selector of its own and delegated tasks run inline, so
 * tests can serve data connections without the whole server. {@code accepted} must come from a channel.
 */
final class LoopDataHandshake {
    private LoopDataHandshake() {}

    static TlsStream accept(SSLContext ctx, Socket accepted) throws IOException {
        return accept(ctx, accepted, 10_000);
    }

    /** As the loop does, with {@code timeoutMillis} for the whole handshake; on failure the connection is closed. */
    static TlsStream accept(SSLContext ctx, Socket accepted, int timeoutMillis) throws IOException {
        SocketChannel channel = accepted.getChannel();
        try (Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            TlsChannel tls = TlsChannel.forData(channel, DataTls.serverEngine(ctx), Runnable::run, () -> { });
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            try {
                while (!tls.handshake()) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        throw new SocketTimeoutException("no TLS handshake within " + timeoutMillis + " ms");
                    }
                    key.interestOps(SelectionKey.OP_READ | (tls.hasPendingOutput() ? SelectionKey.OP_WRITE : 0));
                    selector.select(left);
                    selector.selectedKeys().clear();
                }
            } catch (IOException | RuntimeException e) {
                tls.close();
                throw e;
            }
            key.cancel();
            selector.selectNow();
            channel.configureBlocking(true);
            return tls.toStream();
        } catch (IOException | RuntimeException e) {
            accepted.close();
            throw e;
        }
    }
}
