package ftp.bench;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * TLS over another wire, driven by an {@link SSLEngine} in blocking style. An engine rather than a layered
 * {@code SSLSocket}, because the JDK finds a client session to resume by the peer host and port the engine was
 * made with: a data connection's engine is made with the <em>control</em> connection's host and port, so it
 * offers the control session for resumption, which FTPS servers require. A layered socket would look the session
 * up under the data port and never resume.
 *
 * <p>Under TLS 1.3 a session ticket is good for one resumption, and the server sends a fresh one after each
 * handshake; the engine files it in the context's cache when it is read, so the next data connection can resume
 * too. A download reads it with the data; an upload reads it in {@link #close}, which waits for the server's
 * close_notify. Waiting for it before sending would hang on servers that send it only with their first write.
 *
 * <p>Records are batched: up to {@link #BATCH} records are wrapped before one write, and reads take whatever the
 * socket has, so a bulk transfer makes few system calls. One thread at a time.
 */
final class TlsWire implements Wire {
    private static final int BATCH = 16;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Wire raw;
    private final SSLEngine engine;
    private final boolean direct;
    /** Bytes from the network not yet unwrapped; kept flipped (ready to read). */
    private ByteBuffer netIn;
    /** Plain bytes unwrapped but not yet returned; kept flipped (ready to read). */
    private ByteBuffer appIn;
    /** Wrapped records waiting to be written; scratch. */
    private ByteBuffer netOut;
    private boolean inboundDone;

    TlsWire(Wire raw, SSLEngine engine, boolean direct) {
        this.raw = raw;
        this.engine = engine;
        this.direct = direct;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = allocate(packet * BATCH).flip();
        this.appIn = allocate(engine.getSession().getApplicationBufferSize()).flip();
        this.netOut = allocate(packet * BATCH);
    }

    private ByteBuffer allocate(int size) {
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }

    void handshake() throws IOException {
        engine.beginHandshake();
        HandshakeStatus hs = engine.getHandshakeStatus();
        while (hs != HandshakeStatus.FINISHED && hs != HandshakeStatus.NOT_HANDSHAKING) {
            hs = step(hs);
        }
    }

    String protocol() {
        return engine.getSession().getProtocol();
    }

    /** Protocol and cipher suite, e.g. {@code TLSv1.3 TLS_AES_256_GCM_SHA384}. */
    String describe() {
        return protocol() + " " + engine.getSession().getCipherSuite();
    }

    /** One handshake step; returns the next status. */
    private HandshakeStatus step(HandshakeStatus hs) throws IOException {
        switch (hs) {
            case NEED_TASK -> {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
                return engine.getHandshakeStatus();
            }
            case NEED_WRAP -> {
                return wrapAndSend(EMPTY).getHandshakeStatus();
            }
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                if (!unwrapOnce()) {
                    throw new EOFException("connection closed during the TLS handshake");
                }
                return engine.getHandshakeStatus();
            }
            default -> {
                return hs;
            }
        }
    }

    /**
     * Unwraps one record into {@link #appIn}, reading from the network when a whole record is not buffered yet.
     * Returns false at the end of the stream (the peer's close_notify, or the socket closing).
     */
    private boolean unwrapOnce() throws IOException {
        while (true) {
            appIn.compact();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
            }
            switch (r.getStatus()) {
                case BUFFER_UNDERFLOW -> {
                    if (!fill()) {
                        return false;
                    }
                }
                case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                case CLOSED -> {
                    return false;
                }
                default -> {
                    return true;
                }
            }
        }
    }

    /** Reads more network bytes into {@link #netIn}; false at the end of the stream. */
    private boolean fill() throws IOException {
        netIn.compact();
        if (!netIn.hasRemaining()) {
            netIn.flip();
            netIn = grow(netIn, engine.getSession().getPacketBufferSize());
            netIn.compact();
        }
        int n;
        try {
            n = raw.read(netIn);
        } finally {
            netIn.flip();
        }
        return n >= 0;
    }

    /** A larger buffer holding the readable bytes of {@code b}, flipped. */
    private ByteBuffer grow(ByteBuffer b, int extra) {
        ByteBuffer bigger = allocate(b.capacity() + extra);
        bigger.put(b);
        return bigger.flip();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        while (!appIn.hasRemaining()) {
            if (inboundDone) {
                return -1;
            }
            if (!unwrapOnce()) {
                inboundDone = true;
                return -1;
            }
            HandshakeStatus hs = engine.getHandshakeStatus();
            while (hs == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.NEED_WRAP) {
                hs = step(hs); // a key update asks for an answer
            }
        }
        int n = Math.min(appIn.remaining(), dst.remaining());
        ByteBuffer slice = appIn.slice();
        slice.limit(n);
        dst.put(slice);
        appIn.position(appIn.position() + n);
        return n;
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (wrapAndSend(src).getStatus() == Status.CLOSED) {
                throw new SSLException("TLS connection closed while writing");
            }
        }
    }

    /** Wraps up to {@link #BATCH} records of {@code src} and writes them in one go. */
    private SSLEngineResult wrapAndSend(ByteBuffer src) throws IOException {
        int packet = engine.getSession().getPacketBufferSize();
        netOut.clear();
        SSLEngineResult r;
        while (true) {
            r = engine.wrap(src, netOut);
            if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                if (netOut.position() > 0) {
                    break; // send what is wrapped, then go on
                }
                netOut = allocate(netOut.capacity() + packet);
                continue;
            }
            if (r.getStatus() != Status.OK || !src.hasRemaining() || netOut.remaining() < packet
                    || r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
                break;
            }
        }
        netOut.flip();
        raw.write(netOut);
        return r;
    }

    @Override
    public void close() throws IOException {
        try {
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                wrapAndSend(EMPTY);
            }
            while (!inboundDone) { // a full shutdown, as clients commonly do: wait for the peer's close_notify
                if (!unwrapOnce()) {
                    inboundDone = true;
                }
                appIn.position(appIn.limit());
            }
        } catch (IOException peerGone) {
            // the peer closed first: nothing left to say
        } finally {
            raw.close();
        }
    }

    @Override
    public void abort() {
        raw.abort();
    }
}
