package ftp.tls;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import javax.net.ssl.HandshakeCompletedEvent;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A blocking {@link SSLSocket} that runs an {@link SSLEngine} over an already connected plain socket, for data
 * connections where the JDK's own layered {@code SSLSocket} cannot do what FTPS needs (the subclasses say what).
 * What every such socket gets from driving the engine itself:
 * <ul>
 *   <li>an end of the TCP stream before the peer's {@code close_notify} is an {@link SSLException} caused by an
 *       {@link EOFException}, never a clean -1, whatever {@code com.sun.net.ssl.requireCloseNotify} says (a JVM
 *       property read once, by whichever TLS code loads first): a cut transfer never looks complete;</li>
 *   <li>writes wrap several records and send them in one call, so bulk transfers are not one system call per
 *       16 KiB record;</li>
 *   <li>a subclass may hold back what the engine sends after a TLS 1.3 handshake (see {@link ServerDataSocket}).</li>
 * </ul>
 * One thread may read while another writes (the engine allows concurrent wrap and unwrap); reads hold
 * {@code readLock}, writes {@code writeLock}, and the handshake both, always in that order.
 */
abstract class EngineSocket extends SSLSocket {
    private static final int MAX_BUFFER = 1 << 20;
    /** Records wrapped or read per socket call in bulk transfers. */
    private static final int BATCH_RECORDS = 4;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final Socket plain;
    final SSLEngine engine;
    final ReentrantLock readLock = new ReentrantLock();
    final ReentrantLock writeLock = new ReentrantLock();
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final List<HandshakeCompletedListener> listeners = new CopyOnWriteArrayList<>();
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

    EngineSocket(Socket plain, SSLEngine engine) throws IOException {
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
     * Whether the output of the wrap that ends a TLS 1.3 handshake (the server's NewSessionTicket) and everything
     * after it waits until the first application write or close_notify. False here.
     */
    boolean holdsPostHandshakeOutput() {
        return false;
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

    @Override
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
        HandshakeCompletedEvent event = new HandshakeCompletedEvent(this, engine.getSession());
        for (HandshakeCompletedListener listener : listeners) {
            listener.handshakeCompleted(event);
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
            netIn.flip();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                netIn.compact();
            }
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
            truncated = !engine.isInboundDone();
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
                    if (result.getHandshakeStatus() == HandshakeStatus.FINISHED && holdsPostHandshakeOutput()
                            && "TLSv1.3".equals(engine.getSession().getProtocol())) {
                        holding = true; // this wrap made the post-handshake ticket
                    }
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
        int size = Math.max(atLeast, buffer.capacity() * 2);
        if (size > MAX_BUFFER) {
            throw new SSLException("TLS record larger than " + MAX_BUFFER + " bytes");
        }
        ByteBuffer bigger = ByteBuffer.allocate(size);
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }

    final void checkOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
    }

    // ---- streams ----

    @Override
    public InputStream getInputStream() throws IOException {
        checkOpen();
        return in;
    }

    @Override
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
            EngineSocket.this.close();
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
            EngineSocket.this.close();
        }
    }

    // ---- SSLSocket: delegated to the engine ----

    @Override
    public SSLSession getSession() {
        if (!handshakeDone) {
            try {
                startHandshake();
            } catch (IOException e) {
                // SSLSocket's contract: a failed handshake shows as an invalid session, not an exception
            }
        }
        return engine.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return engine.getHandshakeSession();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return engine.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return engine.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        engine.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return engine.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return engine.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        engine.setEnabledProtocols(protocols);
    }

    @Override
    public SSLParameters getSSLParameters() {
        return engine.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters parameters) {
        engine.setSSLParameters(parameters);
    }

    @Override
    public String getApplicationProtocol() {
        return engine.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return engine.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, List<String>, String> selector) {
        throw new UnsupportedOperationException("ALPN selection is a server feature");
    }

    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void setUseClientMode(boolean mode) {
        if (mode != engine.getUseClientMode()) {
            throw new IllegalArgumentException("the engine's mode is fixed when this socket is made");
        }
    }

    @Override
    public boolean getUseClientMode() {
        return engine.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        engine.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return engine.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        engine.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return engine.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        engine.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return engine.getEnableSessionCreation();
    }

    // ---- Socket: delegated to the plain connection this socket runs over ----

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        throw new SocketException("already connected");
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        throw new SocketException("already bound");
    }

    @Override
    public boolean isConnected() {
        return plain.isConnected();
    }

    @Override
    public boolean isBound() {
        return plain.isBound();
    }

    @Override
    public boolean isClosed() {
        return closed || plain.isClosed();
    }

    @Override
    public InetAddress getInetAddress() {
        return plain.getInetAddress();
    }

    @Override
    public int getPort() {
        return plain.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
        return plain.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
        return plain.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return plain.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return plain.getLocalSocketAddress();
    }

    @Override
    public SocketChannel getChannel() {
        return null;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        plain.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return plain.getSoTimeout();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        plain.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return plain.getTcpNoDelay();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        plain.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return plain.getKeepAlive();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        plain.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return plain.getSoLinger();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        plain.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return plain.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        plain.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return plain.getReceiveBufferSize();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        plain.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return plain.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        plain.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return plain.getReuseAddress();
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        throw new SocketException("urgent data cannot pass through TLS");
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return false;
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data cannot pass through TLS");
    }

    @Override
    public void shutdownInput() throws IOException {
        throw new UnsupportedOperationException("use close(): TLS needs close_notify");
    }

    /** Sends close_notify (after any held output), then ends the TCP stream; reading may go on. */
    @Override
    public void shutdownOutput() throws IOException {
        sendCloseNotify();
        plain.shutdownOutput();
    }

    @Override
    public boolean isInputShutdown() {
        return inboundDone || plain.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return engine.isOutboundDone() || plain.isOutputShutdown();
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        plain.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return plain.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return plain.supportedOptions();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + engine.getSession().getProtocol() + " via " + plain + "]";
    }
}
