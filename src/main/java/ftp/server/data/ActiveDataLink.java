package ftp.server.data;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * PORT/EPRT: the worker connects to the client. The target was checked on the selector thread against the
 * control connection's peer address and port floor (no FTP bounce). Thread-safe.
 */
public final class ActiveDataLink implements DataLink {
    private final InetSocketAddress target;
    private volatile SocketChannel channel;

    public ActiveDataLink(InetSocketAddress target) {
        this.target = target;
    }

    @Override
    public SocketChannel open(Duration timeout) throws IOException {
        SocketChannel ch = SocketChannel.open();
        channel = ch;
        try {
            ch.socket().connect(target, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return ch;
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot connect to " + target, e);
        }
    }

    @Override
    public void close() {
        SocketChannel ch = channel;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to release beyond the socket
            }
        }
    }
}
