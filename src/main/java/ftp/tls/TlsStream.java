package ftp.tls;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Closeable;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * A blocking TLS connection: an {@link SSLEngine} driven over an already connected plain socket, for data
 * connections, where the JDK's layered {@code SSLSocket} cannot do what FTPS needs. What driving the engine here
 * gives:
 * <ul>
 *   <li>an end of the TCP stream before the peer's {@code close_notify} is an {@link SSLException} caused by an
 *       {@link EOFException}, never a clean -1, whatever {@code com.sun.net.ssl.requireCloseNotify} says (a JVM
 *       property read once, by whichever TLS code loads first): a cut transfer never looks complete;</li>
 *   <li>writes wrap several records and send them in one call, and reads take several at once, so bulk
 *       transfers are not one system call per 16 KiB record;</li>
 *   <li>on the server, whose loop ran the handshake ({@link TlsChannel#toStream}), the TLS 1.3 ticket made at
 *       the end of the handshake is held back until the server first sends data or {@code close_notify}.</li>
 * </ul>
 *
 * <p>Why hold the ticket: a TLS 1.3 server sends it after the client's Finished, which is after the client may
 * already have written a whole small upload and closed. Clients that close an upload without reading (lftp with
 * GnuTLS) then have unread data in their socket, or get it after closing, and their kernel answers with a TCP
 * reset that throws away the part of the upload still in flight (seen as uploads cut at ~80 KiB, with vsftpd too,
 * less often). Held back, the ticket goes out with the server's close_notify after the whole upload was read: a
 * client that waits for it (ours, Python's {@code unwrap()}) gets it, one that has gone only resets a connection
 * that is finished anyway. A download sends data at once, so the ticket leaves first as usual.
 *
 * <p>One thread may read while another writes (the engine allows concurrent wrap and unwrap); reads hold
 * {@code readLock}, writes {@code writeLock}, and the handshake both, always in that order. In the server, the
 * one worker running the transfer, plus an abort from any thread on the plain channel underneath.
 */
public class TlsStream implements Closeable {
    private static final int MAX_BUFFER = 1 << 20;
    /** What a client's {@link #close} reads at most while waiting for the server's ticket and close. */
    static final int DRAIN_BYTES = 1 << 20;
    /** How long a client's {@link #close} waits for the server to close; past it only the next resumption is lost. */
    static final int DRAIN_MILLIS = 10_000;
    /** Records wrapped or read per socket call in bulk transfers. */
    private static final int BATCH_RECORDS = 4;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final Socket plain;
    final SSLEngine engine;
    final ReentrantLock readLock = new ReentrantLock();
    final ReentrantLock writeLock = new ReentrantLock();
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final InputStream in = new PlainInput();
    private final OutputStream out = new PlainOutput();

    /** Encrypted bytes read but not yet unwrapped (fill mode); guarded by readLock. */
    private ByteBuffer netIn;
    /** Decrypted bytes not yet handed to the reader (fill mode); guarded by readLock. */
    private ByteBuffer appIn;
    /** Wrapped records not yet sent (fill mode); guarded by writeLock. */
    private ByteBuffer netOut;
    /** Post-handshake records held back (fill mode), or null when nothing is held; guarded by writeLock. */
    private ByteBuffer held;
    private boolean holding;
    private volatile boolean handshakeDone;
    private volatile boolean inboundDone;
    private volatile boolean truncated;
    volatile boolean closed;
    private final boolean client;
    /** Bytes read from the network; guarded by readLock. */
    private long received;

    /** {@code engine} over the connected {@code plain}; {@link #startHandshake} runs before the first byte. */
    TlsStream(Socket plain, SSLEngine engine) throws IOException {
        this(plain, engine, false);
    }

    /**
     * A client's data connection ({@code engine} in client mode, made for the control connection's host and port
     * so it resumes that session). An end without the server's close_notify reads as an end: the server's reply
     * on the control connection says whether the transfer was complete. {@link #close} sends close_notify, then
     * reads until the server closes (at most {@link #DRAIN_BYTES} and {@link #DRAIN_MILLIS}), so a TLS 1.3 ticket
     * the server sends only at the end (ours does after an upload) reaches the session cache for the next one.
     */
    public static TlsStream client(Socket plain, SSLEngine engine) throws IOException {
        return new TlsStream(plain, engine, true);
    }

    private TlsStream(Socket plain, SSLEngine engine, boolean client) throws IOException {
        this.client = client;
        this.plain = plain;
        this.engine = engine;
        this.rawIn = plain.getInputStream();
        this.rawOut = plain.getOutputStream();
        SSLSession session = engine.getSession();
        this.netIn = ByteBuffer.allocate(BATCH_RECORDS * session.getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(BATCH_RECORDS * session.getPacketBufferSize());
    }

    /**
     * The connection whose handshake the loop ran ({@link TlsChannel#toStream}): {@code readAhead} holds what was
     * read past it, {@code heldTicket} (null if none) the records to send before the first data or close_notify.
     */
    static TlsStream afterHandshake(Socket plain, SSLEngine engine, ByteBuffer readAhead, ByteBuffer heldTicket)
            throws IOException {
        TlsStream stream = new TlsStream(plain, engine);
        stream.handshakeDone = true;
        if (readAhead.remaining() > stream.netIn.remaining()) {
            stream.netIn = grow(stream.netIn, readAhead.remaining());
        }
        stream.netIn.put(readAhead);
        if (heldTicket != null) {
            stream.holding = true;
            stream.held = ByteBuffer.allocate(heldTicket.remaining()).put(heldTicket);
        }
        return stream;
    }

    /** Called when an unwrap after the handshake consumed a TLS 1.3 post-handshake message (a ticket). */
    void postHandshakeMessageSeen() {
        // nothing by default
    }

    final boolean handshakeDone() {
        return handshakeDone;
    }

    final boolean inboundDone() {
        return inboundDone;
    }

    // ---- handshake ----

    /** Runs the handshake, blocking; reading and writing run it first if nobody did. */
    public void startHandshake() throws IOException {
        readLock.lock();
        try {
            writeLock.lock();
            try {
                if (handshakeDone) {
                    return;
                }
                checkOpen();
                engine.beginHandshake();
                while (!handshakeDone) {
                    HandshakeStatus status = engine.getHandshakeStatus();
                    switch (status) {
                        case NEED_WRAP -> wrapAndSend(EMPTY);
                        case NEED_TASK -> runTasks();
                        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrapSome();
                        case FINISHED, NOT_HANDSHAKING -> handshakeDone = true;
                    }
                }
            } finally {
                writeLock.unlock();
            }
        } finally {
            readLock.unlock();
        }
    }

    private void ensureHandshake() throws IOException {
        if (!handshakeDone) {
            startHandshake();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    // ---- reading (readLock held) ----

    private int readPlain(byte[] b, int off, int len) throws IOException {
        ensureHandshake();
        readLock.lock();
        try {
            while (true) {
                if (appIn.position() > 0) {
                    appIn.flip();
                    int n = Math.min(len, appIn.remaining());
                    appIn.get(b, off, n);
                    appIn.compact();
                    return n;
                }
                if (truncated) {
                    throw endedWithoutCloseNotify();
                }
                if (inboundDone) {
                    return -1;
                }
                checkOpen();
                unwrapSome();
            }
        } finally {
            readLock.unlock();
        }
    }

    /** Unwraps one record if a whole one is buffered, else reads more from the network (blocking). */
    final void unwrapSome() throws IOException {
        if (netIn.position() > 0) {
            SSLEngineResult result = TlsBuffers.unwrap(engine, netIn, appIn);
            switch (result.getStatus()) {
                case OK -> {
                    afterUnwrap(result);
                    return;
                }
                case CLOSED -> {
                    inboundDone = true;
                    afterUnwrap(result);
                    return;
                }
                case BUFFER_OVERFLOW -> {
                    appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                    return;
                }
                case BUFFER_UNDERFLOW -> {
                    int needed = engine.getSession().getPacketBufferSize();
                    if (netIn.capacity() < needed) {
                        netIn = grow(netIn, needed);
                    }
                }
            }
        }
        readNetwork();
    }

    private void afterUnwrap(SSLEngineResult result) throws IOException {
        if (handshakeDone && result.bytesConsumed() > 0 && result.bytesProduced() == 0
                && "TLSv1.3".equals(engine.getSession().getProtocol())) {
            postHandshakeMessageSeen();
        }
        HandshakeStatus status = result.getHandshakeStatus();
        if (status == HandshakeStatus.NEED_TASK) {
            runTasks();
            status = engine.getHandshakeStatus();
        }
        if (status == HandshakeStatus.NEED_WRAP && handshakeDone) {
            // a reply the engine owes outside the handshake: close_notify or a KeyUpdate
            writeLock.lock();
            try {
                wrapAndSend(EMPTY);
            } finally {
                writeLock.unlock();
            }
        }
    }

    private void readNetwork() throws IOException {
        if (!netIn.hasRemaining()) {
            netIn = grow(netIn, netIn.capacity() * 2);
        }
        int n = rawIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
        if (n < 0) {
            inboundDone = true;
            truncated = !engine.isInboundDone() && !client;
            try {
                engine.closeInbound(); // the engine fails the session unless close_notify arrived
            } catch (SSLException expected) {
                // reported below, with the cause callers look for
            }
            if (truncated) {
                throw endedWithoutCloseNotify();
            }
            return;
        }
        netIn.position(netIn.position() + n);
        received += n;
    }

    private static SSLException endedWithoutCloseNotify() {
        return new SSLException("connection ended without close_notify: possibly truncated",
                new EOFException("end of stream before close_notify"));
    }

    // ---- writing (writeLock held) ----

    private void writePlain(byte[] b, int off, int len) throws IOException {
        ensureHandshake();
        writeLock.lock();
        try {
            checkOpen();
            releaseHeld();
            ByteBuffer src = ByteBuffer.wrap(b, off, len);
            while (src.hasRemaining()) {
                wrapAndSend(src);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Wraps as many records of {@code src} as fit (at least one step of the engine), then sends them. */
    private void wrapAndSend(ByteBuffer src) throws IOException {
        netOut.clear();
        while (true) {
            SSLEngineResult result = engine.wrap(src, netOut);
            switch (result.getStatus()) {
                case BUFFER_OVERFLOW -> {
                    if (netOut.position() > 0) {
                        send();
                        netOut.clear();
                    } else {
                        netOut = grow(netOut, engine.getSession().getPacketBufferSize());
                    }
                }
                case CLOSED -> {
                    send();
                    if (src.hasRemaining()) {
                        throw new SocketException("TLS connection closed");
                    }
                    return;
                }
                default -> {
                    if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    boolean more = src.hasRemaining() && result.bytesConsumed() > 0
                            && netOut.remaining() >= engine.getSession().getPacketBufferSize();
                    if (!more) {
                        send();
                        return;
                    }
                }
            }
        }
    }

    private void send() throws IOException {
        netOut.flip();
        if (!netOut.hasRemaining()) {
            return;
        }
        if (holding) {
            if (held == null) {
                held = ByteBuffer.allocate(netOut.remaining());
            } else if (held.remaining() < netOut.remaining()) {
                held = grow(held, held.position() + netOut.remaining());
            }
            held.put(netOut);
            return;
        }
        rawOut.write(netOut.array(), netOut.arrayOffset() + netOut.position(), netOut.remaining());
        rawOut.flush();
    }

    /** Sends what was held back, in order, and stops holding. Needs writeLock. */
    private void releaseHeld() throws IOException {
        holding = false;
        if (held != null) {
            ByteBuffer h = held;
            held = null;
            rawOut.write(h.array(), h.arrayOffset(), h.position());
            rawOut.flush();
        }
    }

    /** Sends close_notify after anything held; the connection may still be read. Idempotent. */
    final void sendCloseNotify() throws IOException {
        if (!handshakeDone) {
            return;
        }
        writeLock.lock();
        try {
            releaseHeld();
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                wrapAndSend(EMPTY);
            }
        } finally {
            writeLock.unlock();
        }
    }

    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) throws SSLException {
        return TlsBuffers.grown(buffer, atLeast, MAX_BUFFER, "TLS record");
    }

    final void checkOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
    }

    // ---- streams ----

    public InputStream getInputStream() throws IOException {
        checkOpen();
        return in;
    }

    public OutputStream getOutputStream() throws IOException {
        checkOpen();
        return out;
    }

    private final class PlainInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            return len == 0 ? 0 : readPlain(b, off, len);
        }

        @Override
        public int available() {
            if (!readLock.tryLock()) {
                return 0;
            }
            try {
                return appIn.position();
            } finally {
                readLock.unlock();
            }
        }

        @Override
        public void close() throws IOException {
            TlsStream.this.close();
        }
    }

    private final class PlainOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len > 0) {
                writePlain(b, off, len);
            }
        }

        @Override
        public void close() throws IOException {
            TlsStream.this.close();
        }
    }

    // ---- the connection ----

    /** The negotiated session (resumed from the control connection's when the client agreed). */
    public SSLSession session() {
        return engine.getSession();
    }

    public void setSoTimeout(int millis) throws SocketException {
        plain.setSoTimeout(millis);
    }

    /** Sends close_notify (after any held output), then ends the TCP stream; reading may go on. */
    public void shutdownOutput() throws IOException {
        sendCloseNotify();
        plain.shutdownOutput();
    }

    public boolean isOutputShutdown() {
        return engine.isOutboundDone() || plain.isOutputShutdown();
    }

    public boolean isClosed() {
        return closed || plain.isClosed();
    }

    /**
     * Sends what was held and close_notify (best effort: the peer may be gone), then closes the connection.
     * Without a handshake, or after one that failed, it only closes.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        if (client) {
            try {
                shutdownOutput(); // a failure to say goodbye is reported: the transfer may not be complete
                drainUntilServerCloses();
            } finally {
                closed = true;
                plain.close();
            }
            return;
        }
        try {
            if (!isOutputShutdown()) {
                sendCloseNotify();
            }
        } catch (IOException bestEffort) {
            // the peer may already be gone; closing the socket is what matters now
        } finally {
            closed = true;
            plain.close();
        }
    }

    private void drainUntilServerCloses() {
        readLock.lock();
        try {
            long stopAt = received + DRAIN_BYTES;
            int timeout = plain.getSoTimeout();
            plain.setSoTimeout(timeout == 0 ? DRAIN_MILLIS : Math.min(timeout, DRAIN_MILLIS));
            while (!inboundDone && received < stopAt) {
                unwrapSome();
                appIn.clear(); // what the server still sends is dropped: the caller is done
            }
        } catch (IOException e) {
            // a timeout or a reset: the ticket, if any, was taken before that
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "TlsStream[" + engine.getSession().getProtocol() + " via " + plain + "]";
    }
}
