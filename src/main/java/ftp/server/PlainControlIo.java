package ftp.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * Plain-text control connection: reads straight from the channel and keeps replies the socket could not
 * take yet, bounded so a client that never reads cannot make the server buffer without limit.
 * Selector thread only.
 */
final class PlainControlIo implements ControlIo {
    static final int MAX_PENDING_BYTES = 256 * 1024;

    private final SocketChannel channel;
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private int pendingBytes;

    PlainControlIo(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        if (pending.isEmpty()) {
            channel.write(src);
        }
        if (src.hasRemaining()) {
            if (pendingBytes + src.remaining() > MAX_PENDING_BYTES) {
                throw new IOException("client does not read its replies");
            }
            ByteBuffer copy = ByteBuffer.allocate(src.remaining()).put(src).flip();
            pending.add(copy);
            pendingBytes += copy.remaining();
        }
    }

    @Override
    public boolean flush() throws IOException {
        while (!pending.isEmpty()) {
            ByteBuffer head = pending.peek();
            int n = channel.write(head);
            pendingBytes -= n;
            if (head.hasRemaining()) {
                return false;
            }
            pending.poll();
        }
        return true;
    }

    @Override
    public boolean hasPendingOutput() {
        return !pending.isEmpty();
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
