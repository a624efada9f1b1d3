package ftp.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A data connection. It reads into direct buffers (no copy through the Java heap, like {@code recv_into}), so the
 * client costs as little CPU as it can; a blocking channel has no read timeout, so the {@link Watchdog} closes it
 * if it outlives its deadline. One thread at a time (the watchdog only closes it).
 */
final class ChannelWire implements Wire {
    private final SocketChannel channel;
    private final Watchdog watchdog;

    private ChannelWire(SocketChannel channel, Watchdog watchdog) {
        this.channel = channel;
        this.watchdog = watchdog;
    }

    /** Connects and puts the connection under the watchdog until it is closed. */
    static ChannelWire connect(InetSocketAddress address, int connectTimeoutMillis, Watchdog watchdog,
                               Duration deadline) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            // bulk writes are large anyway; without it a TLS handshake's small flights wait on delayed ACKs
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().connect(address, connectTimeoutMillis);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        ChannelWire wire = new ChannelWire(ch, watchdog);
        watchdog.watch(ch, deadline);
        return wire;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            channel.write(src);
        }
    }

    @Override
    public void close() throws IOException {
        watchdog.release(channel);
        channel.close();
    }

    @Override
    public void abort() {
        watchdog.release(channel);
        try {
            channel.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
