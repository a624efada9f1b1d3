package ftp.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * A blocking TLS data connection: an {@link SSLEngine} driven over a connected plain socket.
 *
 * <p>Why not an {@code SSLSocket}: servers that protect data connections (ours, vsftpd, FileZilla Server) refuse one
 * that does not resume the control connection's TLS session. The JDK's client keeps sessions keyed by host and port,
 * and a layered {@code SSLSocket} looks them up under the data socket's real port, so it never resumes; an engine can
 * be created for the control connection's host and port ({@link ClientTls#dataEngine}), and resumes.
 *
 * <p>Under TLS 1.3 a resumption ticket is used once: each data connection must pick up the fresh ticket the server
 * sends after the handshake, or the next one has nothing to resume with. A download reads it with the data; after an
 * upload nothing else would read it, so {@link #close} sends close_notify, half-closes, and reads on until the server
 * closes.
 *
 * <p>Owned by the one thread running the transfer.
 */
final class TlsDataSocket implements AutoCloseable {
    /** What {@link #close} reads at most while waiting for the server's ticket and close. */
    private static final int DRAIN_LIMIT = 1 << 20;
    /** How long {@link #close} waits for the server to close; past it only the next resumption is lost. */
    private static final int DRAIN_MILLIS = 10_000;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Records read or written per socket call in bulk transfers. */
    private static final int BATCH_RECORDS = 8;

    private final Socket socket;
    private final SSLEngine engine;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    /** Bytes received and not yet unwrapped; kept ready for writing (position = end of data). */
    private ByteBuffer netIn;
    /** Decrypted bytes not yet handed out; kept ready for reading. */
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private boolean inboundDone;
    private long received;
    private boolean closed;

    /** {@code engine} must be in client mode; {@link #handshake} must run before reading or writing. */
    TlsDataSocket(Socket socket, SSLEngine engine) throws IOException {
        this.socket = socket;
        this.engine = engine;
        this.rawIn = socket.getInputStream();
        this.rawOut = socket.getOutputStream();
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(BATCH_RECORDS * packet);
        this.netOut = ByteBuffer.allocate(BATCH_RECORDS * packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.appIn.flip();
    }

    void handshake() throws IOException {
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrapAndSend(EMPTY);
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (inboundDone) {
                        throw new EOFException("the server closed the data connection during the TLS handshake");
                    }
                    unwrapOnce(true);
                }
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
            }
        }
    }

    /** The session this connection uses (resumed from the control connection's when the server agreed). */
    SSLSession session() {
        return engine.getSession();
    }

    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return TlsDataSocket.this.read(b, off, len);
            }
        };
    }

    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                TlsDataSocket.this.write(b, off, len);
            }
        };
    }

    private int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!appIn.hasRemaining() && len >= engine.getSession().getApplicationBufferSize()) {
            return readDirect(ByteBuffer.wrap(b, off, len));
        }
        return readBuffered(b, off, len);
    }

    private int readBuffered(byte[] b, int off, int len) throws IOException {
        while (!appIn.hasRemaining()) {
            if (inboundDone) {
                return -1;
            }
            unwrapOnce(false);
            settlePostHandshake();
        }
        int n = Math.min(len, appIn.remaining());
        appIn.get(b, off, n);
        return n;
    }

    /**
     * Bulk reads decrypt straight into the caller's buffer, every record already received at once, so a download
     * costs one call per batch of records instead of a copy and a call per record.
     */
    private int readDirect(ByteBuffer dst) throws IOException {
        int start = dst.position();
        while (true) {
            if (inboundDone) {
                return dst.position() > start ? dst.position() - start : -1;
            }
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, dst);
            } finally {
                netIn.compact();
            }
            settlePostHandshake();
            int produced = dst.position() - start;
            switch (result.getStatus()) {
                case CLOSED -> inboundDone = true;
                case BUFFER_UNDERFLOW -> {
                    if (produced > 0) {
                        return produced;
                    }
                    receive(false);
                }
                case BUFFER_OVERFLOW -> {
                    if (produced > 0) {
                        return produced;
                    }
                    // The session's records grew past the caller's room: go through our own buffer.
                    appIn = grown(appIn, engine.getSession().getApplicationBufferSize());
                    return readBuffered(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
                }
                case OK -> {
                    if (produced > 0 && dst.remaining() < engine.getSession().getApplicationBufferSize()) {
                        return produced;
                    }
                }
            }
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer src = ByteBuffer.wrap(b, off, len);
        while (src.hasRemaining()) {
            if (wrapAndSend(src) == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("the TLS data connection is closed");
            }
            settlePostHandshake();
        }
    }

    /**
     * Sends close_notify, then reads until the server closes so that a TLS 1.3 ticket sent after the handshake is
     * taken into the session cache. Failing to send is reported; what happens while draining is not, because the
     * transfer's outcome is the server's reply on the control connection.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                wrapAndSend(EMPTY);
            }
            rawOut.flush();
            socket.shutdownOutput();
            drain();
        } finally {
            socket.close();
        }
    }

    private void drain() {
        long stopAt = received + DRAIN_LIMIT;
        try {
            int timeout = socket.getSoTimeout();
            socket.setSoTimeout(timeout == 0 ? DRAIN_MILLIS : Math.min(timeout, DRAIN_MILLIS));
            while (!inboundDone && received < stopAt) {
                SSLEngineResult result = unwrapOnce(false);
                appIn.position(appIn.limit());
                if (result.getStatus() == SSLEngineResult.Status.OK && result.bytesConsumed() == 0) {
                    return;
                }
            }
        } catch (IOException e) {
            // The server may reset instead of closing cleanly; the ticket, if any, was taken before that.
        }
    }

    /** One unwrap; reads from the socket when the engine needs more bytes. */
    private SSLEngineResult unwrapOnce(boolean handshaking) throws IOException {
        netIn.flip();
        appIn.compact();
        SSLEngineResult result;
        try {
            result = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
            appIn.flip();
        }
        switch (result.getStatus()) {
            case OK -> { }
            case CLOSED -> inboundDone = true;
            case BUFFER_OVERFLOW -> appIn = grown(appIn, engine.getSession().getApplicationBufferSize());
            case BUFFER_UNDERFLOW -> receive(handshaking);
        }
        return result;
    }

    private void receive(boolean handshaking) throws IOException {
        int packet = engine.getSession().getPacketBufferSize();
        if (netIn.remaining() < packet) {
            ByteBuffer bigger = ByteBuffer.allocate(netIn.position() + packet);
            netIn.flip();
            bigger.put(netIn);
            netIn = bigger;
        }
        int n = rawIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
        if (n < 0) {
            if (handshaking) {
                throw new EOFException("the server closed the data connection during the TLS handshake");
            }
            // A close without close_notify: the control reply says whether the transfer was complete.
            inboundDone = true;
            return;
        }
        netIn.position(netIn.position() + n);
        received += n;
    }

    /**
     * Wraps as much of {@code src} as fits in the output buffer (several records, so a bulk upload makes one write
     * call per batch rather than per 16 KB record) and writes it out.
     */
    private SSLEngineResult.Status wrapAndSend(ByteBuffer src) throws IOException {
        int packet = engine.getSession().getPacketBufferSize();
        netOut.clear();
        SSLEngineResult.Status status;
        while (true) {
            if (netOut.remaining() < packet && netOut.position() == 0) {
                netOut = ByteBuffer.allocate(BATCH_RECORDS * packet);
            }
            SSLEngineResult result = engine.wrap(src, netOut);
            status = result.getStatus();
            if (status != SSLEngineResult.Status.OK || !src.hasRemaining() || netOut.remaining() < packet
                    || result.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
                if (status == SSLEngineResult.Status.BUFFER_OVERFLOW && netOut.position() == 0) {
                    netOut = ByteBuffer.allocate(netOut.capacity() + packet);
                    continue;
                }
                break;
            }
        }
        netOut.flip();
        if (netOut.hasRemaining()) {
            rawOut.write(netOut.array(), netOut.arrayOffset(), netOut.remaining());
        }
        return status == SSLEngineResult.Status.BUFFER_OVERFLOW ? SSLEngineResult.Status.OK : status;
    }

    /** After the handshake the server may still send messages that need work or an answer (KeyUpdate). */
    private void settlePostHandshake() throws IOException {
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK) {
                runTasks();
            } else if (status == HandshakeStatus.NEED_WRAP && !engine.isOutboundDone()) {
                wrapAndSend(EMPTY);
            } else {
                return;
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private static ByteBuffer grown(ByteBuffer readable, int extra) {
        ByteBuffer bigger = ByteBuffer.allocate(readable.remaining() + extra);
        bigger.put(readable);
        bigger.flip();
        return bigger;
    }
}
