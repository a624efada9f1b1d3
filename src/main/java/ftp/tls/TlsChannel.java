package ftp.tls;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * Server-side TLS over one non-blocking connection, driven by the event loop: it owns the
 * {@link SSLEngine} and four buffers (bytes read but not yet decrypted, decrypted bytes not yet taken, encrypted
 * bytes not yet sent, plaintext written while the handshake still runs). It never blocks: socket reads and writes
 * are non-blocking, and the engine's delegated tasks (key exchange, certificate signing) run on
 * {@code taskRunner}; while they run {@link #awaitingTask()} is true, and when they finish {@code onTaskDone}
 * is called on the worker so the loop can wake up and call {@link #read} again.
 *
 * <p>All methods are for the loop thread only. After each {@link #read} the loop must look at
 * {@link #hasPendingOutput()} (the handshake writes too) and {@link #hasBufferedInput()} (decrypted or whole
 * records already read, which no OP_READ will announce). While {@link #awaitingTask()} is true {@link #read}
 * leaves the socket alone, so the loop should drop OP_READ until {@code onTaskDone} has run, or it would spin.
 *
 * <p>The buffers start empty: the loop discards any plaintext that followed {@code AUTH TLS} before it creates
 * this channel, and nothing typed before the handshake can leak into the encrypted session.
 *
 * <p>A control connection ({@link #TlsChannel}) keeps this channel for its whole life. A data connection
 * ({@link #forData}) only runs its handshake here ({@link #handshake}), then becomes the blocking
 * {@link TlsStream} a worker transfers over ({@link #toStream}); under TLS 1.3 the ticket the engine makes at the
 * end of the handshake is held back for that stream (see {@link TlsStream}).
 */
public final class TlsChannel {
    /** Cap on decrypted bytes held for the reader; a record never needs more than ~16 KiB. */
    public static final int MAX_APP_BUFFER = 64 * 1024;
    /** Cap on encrypted bytes waiting for the socket; {@link #write} throws beyond it. */
    public static final int MAX_PENDING_OUTPUT = 2 * 1024 * 1024;
    /** Socket reads per {@link #read} call, so one chatty peer cannot hold the loop. */
    private static final int MAX_SOCKET_READS = 8;
    private static final int RECORD_HEADER = 5;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SocketChannel channel;
    private final SSLEngine engine;
    private final Executor taskRunner;
    private final Runnable onTaskDone;
    private final int packetSize;
    private final int netInLimit;
    private final boolean dataConnection;

    // all buffers are kept in fill mode: position = number of bytes held
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;
    private ByteBuffer plainOut = EMPTY;
    private ByteBuffer heldTicket; // data connections under TLS 1.3: the records of the handshake's last wrap

    private volatile boolean taskRunning;
    private boolean handshakeComplete;
    private boolean socketAtEnd;
    private boolean closed;

    /** A control connection's TLS, for its whole life. */
    public TlsChannel(SocketChannel channel, SSLEngine engine, Executor taskRunner, Runnable onTaskDone) {
        this(channel, engine, taskRunner, onTaskDone, false);
    }

    /** A data connection's handshake: {@link #handshake} until it returns true, then {@link #toStream}. */
    public static TlsChannel forData(SocketChannel channel, SSLEngine engine, Executor taskRunner,
                                     Runnable onTaskDone) {
        return new TlsChannel(channel, engine, taskRunner, onTaskDone, true);
    }

    private TlsChannel(SocketChannel channel, SSLEngine engine, Executor taskRunner, Runnable onTaskDone,
                       boolean dataConnection) {
        this.dataConnection = dataConnection;
        this.channel = channel;
        this.engine = engine;
        this.taskRunner = taskRunner;
        this.onTaskDone = onTaskDone;
        TlsPolicy.configureServerEngine(engine);
        SSLSession session = engine.getSession();
        this.packetSize = session.getPacketBufferSize();
        this.netInLimit = 2 * packetSize;
        this.netIn = ByteBuffer.allocate(packetSize);
        this.appIn = ByteBuffer.allocate(Math.min(session.getApplicationBufferSize(), MAX_APP_BUFFER));
        this.netOut = ByteBuffer.allocate(packetSize);
    }

    /**
     * Reads what the socket has, drives the handshake and decrypts into {@code plainDst}.
     *
     * @return plaintext bytes stored, 0 if none yet, -1 once the peer closed (close_notify or end of stream)
     * @throws IOException on a TLS error (garbage instead of a ClientHello, a bad record) or a socket error;
     *     the loop then closes this session only
     */
    public int read(ByteBuffer plainDst) throws IOException {
        if (closed) {
            return -1;
        }
        int start = plainDst.position();
        int socketReads = 0;
        while (plainDst.hasRemaining()) {
            boolean progressed = deliver(plainDst);
            if (!plainDst.hasRemaining()) {
                break;
            }
            progressed |= drive();
            if (progressed) {
                continue;
            }
            if (taskRunning || socketAtEnd || engine.isInboundDone() || socketReads++ >= MAX_SOCKET_READS) {
                break;
            }
            if (!readSocket()) {
                break;
            }
        }
        int n = plainDst.position() - start;
        if (n > 0) {
            return n;
        }
        if (taskRunning || appIn.position() > 0) {
            return 0; // the engine belongs to the task until it ends, its state included
        }
        return engine.isInboundDone() || socketAtEnd ? -1 : 0;
    }

    /**
     * Encrypts all of {@code plain} into the pending output (or keeps it as plaintext until the handshake lets
     * the engine take it). Send it with {@link #flush()}.
     *
     * @throws IOException if more than {@link #MAX_PENDING_OUTPUT} bytes would wait, or on a TLS error
     */
    public void write(ByteBuffer plain) throws IOException {
        if (closed || (!taskRunning && engine.isOutboundDone())) {
            throw new IOException("TLS channel closed");
        }
        if (plainOut.position() == 0 && canWrapApplicationData()) {
            while (plain.hasRemaining() && wrap(plain)) {
                // each wrap takes at most one record
            }
        }
        if (plain.hasRemaining()) {
            if (plainOut.position() + plain.remaining() > MAX_PENDING_OUTPUT) {
                throw new IOException("more than " + MAX_PENDING_OUTPUT + " bytes of output waiting");
            }
            plainOut = ensureRoom(plainOut, plain.remaining());
            plainOut.put(plain);
        }
    }

    /**
     * Data connection: reads what the socket has and drives the handshake (no application data is read), then
     * sends what it produced. True once the handshake is complete and sent: call {@link #toStream}.
     *
     * @throws IOException on a TLS error, or when the peer closed before the handshake completed
     */
    public boolean handshake() throws IOException {
        int socketReads = 0;
        while (!handshakeComplete && !closed) {
            if (drive()) {
                continue;
            }
            if (taskRunning || socketAtEnd || engine.isInboundDone() || socketReads++ >= MAX_SOCKET_READS
                    || !readSocket()) {
                break;
            }
        }
        boolean sent = flush();
        if (!handshakeComplete && !taskRunning && (socketAtEnd || engine.isInboundDone())) {
            throw new EOFException("connection closed during the TLS handshake");
        }
        return handshakeComplete && sent;
    }

    /**
     * Data connection, after {@link #handshake} returned true and the channel was put in blocking mode: the
     * blocking stream a worker transfers over, with the bytes already read and the held ticket. This channel
     * is used no more.
     */
    public TlsStream toStream() throws IOException {
        if (!dataConnection || !handshakeComplete || appIn.position() > 0 || hasPendingOutput()) {
            throw new IllegalStateException("handshake not finished");
        }
        closed = true;
        netIn.flip();
        return TlsStream.afterHandshake(channel.socket(), engine, netIn, heldTicket);
    }

    /** Writes pending encrypted bytes without blocking; true when nothing is left (the loop drops OP_WRITE). */
    public boolean flush() throws IOException {
        if (closed) {
            return true;
        }
        if (netOut.position() > 0) {
            netOut.flip();
            try {
                while (netOut.hasRemaining() && channel.write(netOut) > 0) {
                    // until the socket buffer is full
                }
            } finally {
                netOut.compact();
            }
        }
        if (netOut.position() == 0 && netOut.capacity() > packetSize) {
            netOut = ByteBuffer.allocate(packetSize); // give back what a large write borrowed
        }
        return netOut.position() == 0;
    }

    /** Encrypted bytes wait for the socket (set OP_WRITE). */
    public boolean hasPendingOutput() {
        return netOut.position() > 0;
    }

    /** Bytes already read could yield plaintext without a new OP_READ: call {@link #read} before sleeping. */
    public boolean hasBufferedInput() {
        if (closed) {
            return false;
        }
        return appIn.position() > 0 || (!taskRunning && !engine.isInboundDone() && wholeRecordBuffered());
    }

    public boolean handshakeComplete() {
        return handshakeComplete;
    }

    /** A delegated task runs on a worker; {@code onTaskDone} will be called when it ends. */
    public boolean awaitingTask() {
        return taskRunning;
    }

    /** The negotiated session; ask once {@link #handshakeComplete()} (the engine is busy while a task runs). */
    public SSLSession session() {
        return engine.getSession();
    }

    /** Sends {@code close_notify} if the socket takes it right away, then closes the connection. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!taskRunning) {
                if (heldTicket != null && netOut.remaining() >= heldTicket.remaining()) {
                    netOut.put(heldTicket); // a refused data connection still ends as a TLS connection should
                }
                engine.closeOutbound();
                while (!engine.isOutboundDone() && wrap(EMPTY)) {
                    // close_notify, or the alert for a failed handshake
                }
                netOut.flip();
                channel.write(netOut);
            }
        } catch (IOException | RuntimeException bestEffort) {
            // the peer may be gone or the engine broken; closing the socket is what matters
        } finally {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    // ---- engine driving ----

    /** Runs the engine as far as buffered bytes allow; true if anything changed. */
    private boolean drive() throws IOException {
        boolean progressed = false;
        while (!taskRunning && !(dataConnection && handshakeComplete)) {
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK) {
                return startTasks() || progressed;
            }
            boolean step = status == HandshakeStatus.NEED_WRAP ? wrap(EMPTY) : unwrap();
            if (canWrapApplicationData()) {
                step |= wrapPendingPlain();
            }
            if (!step) {
                return progressed;
            }
            progressed = true;
        }
        return progressed;
    }

    private boolean unwrap() throws IOException {
        if (netIn.position() == 0) {
            return false;
        }
        SSLEngineResult result = TlsBuffers.unwrap(engine, netIn, appIn);
        noteFinished(result);
        switch (result.getStatus()) {
            case BUFFER_UNDERFLOW -> {
                int needed = engine.getSession().getPacketBufferSize();
                if (netIn.capacity() < needed) {
                    netIn = TlsBuffers.grown(netIn, needed, netInLimit, "TLS record");
                } else if (!netIn.hasRemaining()) {
                    throw new SSLException("TLS record larger than " + netIn.capacity() + " bytes");
                }
                return false;
            }
            case BUFFER_OVERFLOW -> {
                if (appIn.position() > 0) {
                    return false; // the reader takes what is there first
                }
                int needed = engine.getSession().getApplicationBufferSize();
                appIn = TlsBuffers.grown(appIn, needed, MAX_APP_BUFFER, "plaintext");
                return true;
            }
            default -> {
                return result.bytesConsumed() > 0 || result.bytesProduced() > 0
                        || result.getHandshakeStatus() == HandshakeStatus.NEED_WRAP
                        || result.getHandshakeStatus() == HandshakeStatus.NEED_TASK;
            }
        }
    }

    /** Wraps one record from {@code src} (or a handshake record) into the pending output; true if it made one. */
    private boolean wrap(ByteBuffer src) throws IOException {
        while (true) {
            int before = netOut.position();
            SSLEngineResult result = engine.wrap(src, netOut);
            noteFinished(result);
            if (dataConnection && result.getHandshakeStatus() == HandshakeStatus.FINISHED
                    && "TLSv1.3".equals(engine.getSession().getProtocol())) {
                holdBack(before); // this wrap made the post-handshake ticket
            }
            if (result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                return result.bytesProduced() > 0 || result.bytesConsumed() > 0;
            }
            int needed = netOut.position() + engine.getSession().getPacketBufferSize();
            if (needed > MAX_PENDING_OUTPUT) {
                throw new IOException("more than " + MAX_PENDING_OUTPUT + " bytes of output waiting");
            }
            netOut = TlsBuffers.grown(netOut, needed, MAX_PENDING_OUTPUT, "output");
        }
    }

    private void holdBack(int from) {
        int end = netOut.position();
        heldTicket = ByteBuffer.allocate(end - from);
        heldTicket.put(netOut.duplicate().position(from).limit(end));
        heldTicket.flip();
        netOut.position(from);
    }

    private boolean wrapPendingPlain() throws IOException {
        if (plainOut.position() == 0) {
            return false;
        }
        plainOut.flip();
        boolean wrapped = false;
        try {
            while (plainOut.hasRemaining() && wrap(plainOut)) {
                wrapped = true;
            }
        } finally {
            plainOut.compact();
        }
        if (plainOut.position() == 0) {
            plainOut = EMPTY;
        }
        return wrapped;
    }

    private boolean canWrapApplicationData() {
        return handshakeComplete && !taskRunning
                && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING && !engine.isOutboundDone();
    }

    private void noteFinished(SSLEngineResult result) {
        if (result.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            handshakeComplete = true;
        }
    }

    /** Hands the engine's delegated tasks to the worker pool; false if there were none. */
    private boolean startTasks() throws IOException {
        List<Runnable> tasks = new ArrayList<>();
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            tasks.add(task);
        }
        if (tasks.isEmpty()) {
            return false;
        }
        taskRunning = true;
        try {
            taskRunner.execute(() -> {
                try {
                    tasks.forEach(Runnable::run); // a failure is kept by the engine and thrown by the next unwrap
                } finally {
                    taskRunning = false;
                    onTaskDone.run();
                }
            });
        } catch (RejectedExecutionException e) {
            taskRunning = false;
            throw new IOException("no TLS task thread free for the handshake", e);
        }
        return true;
    }

    // ---- buffers ----

    private boolean readSocket() throws IOException {
        if (!netIn.hasRemaining()) {
            netIn = TlsBuffers.grown(netIn, netIn.capacity() * 2, netInLimit, "TLS record");
        }
        int n = channel.read(netIn);
        if (n < 0) {
            socketAtEnd = true;
            return false;
        }
        return n > 0;
    }

    private boolean deliver(ByteBuffer dst) {
        if (appIn.position() == 0) {
            return false;
        }
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        ByteBuffer slice = appIn.slice(appIn.position(), n);
        dst.put(slice);
        appIn.position(appIn.position() + n);
        appIn.compact();
        return n > 0;
    }

    private boolean wholeRecordBuffered() {
        int held = netIn.position();
        if (held < RECORD_HEADER) {
            return false;
        }
        int length = ((netIn.get(3) & 0xFF) << 8) | (netIn.get(4) & 0xFF);
        return held >= RECORD_HEADER + length;
    }

    private static ByteBuffer ensureRoom(ByteBuffer buffer, int more) {
        if (buffer.remaining() >= more) {
            return buffer;
        }
        int size = Math.max(buffer.position() + more, Math.min(buffer.capacity() * 2, MAX_PENDING_OUTPUT));
        ByteBuffer bigger = ByteBuffer.allocate(size);
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }
}
