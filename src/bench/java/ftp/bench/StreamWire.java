package ftp.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;

/**
 * A control connection's socket. It carries short replies only, so it uses the stream socket, whose read timeout
 * turns a silent server into a failed scenario instead of a hang. One thread at a time.
 */
final class StreamWire implements Wire {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private StreamWire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static StreamWire connect(InetSocketAddress address, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            return new StreamWire(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (dst.hasArray()) {
            int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        byte[] tmp = new byte[dst.remaining()];
        int n = in.read(tmp);
        if (n > 0) {
            dst.put(tmp, 0, n);
        }
        return n;
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        if (src.hasArray()) {
            out.write(src.array(), src.arrayOffset() + src.position(), src.remaining());
            src.position(src.limit());
        } else {
            byte[] tmp = new byte[src.remaining()];
            src.get(tmp);
            out.write(tmp);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public void abort() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
