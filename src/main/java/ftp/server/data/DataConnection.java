package ftp.server.data;

import ftp.tls.TlsStream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * The established data connection a worker transfers over (what a {@link DataRoute} yields, its TLS handshake
 * and resumption check done on the loop): plain (a blocking {@link SocketChannel}, so downloads can use
 * {@code transferTo}) or TLS (a {@link TlsStream} over it). For uploads over TLS it tells whether the client
 * ended with close_notify, because an end without it may be a truncation attack. Worker thread only.
 */
public final class DataConnection implements java.io.Closeable {
    private final SocketChannel channel;
    private final TlsStream tls;
    private boolean cleanTlsEnd;

    DataConnection(SocketChannel channel, TlsStream tls) {
        this.channel = channel;
        this.tls = tls;
    }

    /** The plain channel for zero-copy sends, or null under TLS. */
    public SocketChannel plainChannel() {
        return tls == null ? channel : null;
    }

    public boolean isTls() {
        return tls != null;
    }

    /** The stream to send on; closing it only flushes, so {@link #close()} decides how the connection ends. */
    public OutputStream output() throws IOException {
        OutputStream raw = tls != null ? tls.getOutputStream() : channel.socket().getOutputStream();
        return new java.io.FilterOutputStream(raw) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /**
     * Reads for uploads into {@code dst} (a direct buffer is fine for plain connections; TLS needs one
     * with an array). Under TLS an end of stream after close_notify is recorded as a clean end. Plain reads
     * go straight to the blocking channel: no socket timeout applies, the stall watchdog covers them.
     */
    public int read(ByteBuffer dst) throws IOException {
        if (tls == null) {
            return channel.read(dst);
        }
        try {
            InputStream in = tls.getInputStream();
            int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n < 0) {
                cleanTlsEnd = true;
            } else {
                dst.position(dst.position() + n);
            }
            return n;
        } catch (SSLException e) {
            // A TCP end without close_notify comes as an SSLException caused by an EOFException (see
            // ftp.tls.TlsStream): an end, but possibly truncated, so cleanTlsEnd stays false.
            if (e.getCause() instanceof EOFException || String.valueOf(e.getMessage()).contains("close_notify")) {
                return -1;
            }
            throw e;
        }
    }

    /**
     * Reads and drops what the peer still sends, until it ends, {@code maxBytes} have passed or {@code time}
     * is up; true when it ended. Closing with unread bytes would send a reset, which can reach the client
     * before a reply already sent and be taken as a network failure. Each read waits at most for what is
     * left of {@code time}, plain reads included (through the socket's stream, which honours the timeout).
     */
    public boolean drain(long maxBytes, Duration time) {
        long deadline = System.nanoTime() + time.toNanos();
        Socket socket = channel.socket(); // under the TLS stream too: its timeout applies to both
        byte[] sink = new byte[64 * 1024];
        long drained = 0;
        try {
            InputStream in = tls != null ? tls.getInputStream() : socket.getInputStream();
            while (drained < maxBytes) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                int n = in.read(sink);
                if (n < 0) {
                    return true;
                }
                drained += n;
            }
            return false;
        } catch (IOException e) {
            return false;  // timed out, reset, or a TLS end without close_notify: closing is all that is left
        }
    }

    /** Plain: always true. TLS: true only when the peer sent close_notify before closing. */
    public boolean endedCleanly() {
        return tls == null || cleanTlsEnd;
    }

    /** TLS reads honour it (they go through the socket's stream); plain channel reads do not. */
    public void setReadTimeout(int millis) throws IOException {
        if (tls != null) {
            tls.setSoTimeout(millis);
        }
    }

    /**
     * Any thread, never blocks: for ABOR and stalls. Shuts the socket down before closing it, because
     * closing alone does not wake a worker blocked in {@code transferTo} (sendfile) or in a TLS write; no
     * close_notify is attempted, since it could block the caller behind a full send buffer.
     */
    static void abort(SocketChannel channel) {
        try {
            channel.shutdownInput();
            channel.shutdownOutput();
        } catch (IOException ignored) {
            // already shut or closed: the worker wakes either way
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /**
     * Worker: closes, sending close_notify under TLS. A half-close (shutdownOutput) sends close_notify alone; the
     * JDK's full close of a TLS 1.3 socket sends user_canceled first, which GnuTLS clients (lftp) take as fatal.
     */
    @Override
    public void close() {
        try {
            if (tls != null && !tls.isClosed() && !tls.isOutputShutdown()) {
                tls.shutdownOutput();
            }
        } catch (IOException ignored) {
            // the peer may already be gone
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
