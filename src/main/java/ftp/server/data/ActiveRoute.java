package ftp.server.data;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The data route of PORT/EPRT: the server connects to the client. The target was checked on the selector thread against the
 * control connection's peer address and port floor (no FTP bounce). The selector thread connects without
 * blocking ({@link #connect}, then {@link #onConnectable}), under the data timeout the session's sweep enforces,
 * so a client port that never answers holds no worker. Owned by the selector thread; handed to one worker
 * with the transfer command.
 */
public final class ActiveRoute extends DataRoute {
    private final InetSocketAddress target;
    private volatile SocketChannel channel;

    public ActiveRoute(InetSocketAddress target, Duration timeout) {
        super(timeout);
        this.target = target;
    }

    /** Selector thread: starts the connect; {@code selector} reports its end to {@link #onConnectable}. */
    public void connect(Selector selector, Duration timeout) {
        renew(timeout);
        try {
            SocketChannel ch = SocketChannel.open();
            channel = ch;
            ch.configureBlocking(false);
            if (ch.connect(target)) {
                finish(ch);
            } else {
                ch.register(selector, SelectionKey.OP_CONNECT, this);
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    /** Selector thread: the connect completed or failed. */
    public void onConnectable(SelectionKey key) {
        SocketChannel ch = channel;
        try {
            if (ch.finishConnect()) {
                key.cancel();
                finish(ch);
            }
        } catch (IOException e) {
            key.cancel();
            fail(e);
        }
    }

    private void fail(IOException e) {
        SocketChannel ch = channel;
        if (ch != null) {
            closeQuietly(ch);
        }
        failed(new IOException("cannot connect to " + target, e));
    }

    private void finish(SocketChannel ch) throws IOException {
        ch.configureBlocking(true); // the worker's transfer blocks; its key is cancelled already
        established(ch);
    }

    @Override
    protected void stopWaiting() {
        SocketChannel ch = channel;
        if (ch != null && pending()) {
            closeQuietly(ch); // the connect in progress; a connection is closed by whoever holds it
        }
    }
}
