package ftp.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
 * A blocking client {@link SSLSocket} that runs an {@link SSLEngine} over an already connected plain socket.
 * It exists for one reason: the engine is created with the <em>control</em> connection's host and port, and the
 * JDK looks client sessions up by that pair, so every data connection offers the control session for resumption
 * (a layered JDK {@code SSLSocket} keys the lookup by the data connection's real port and never resumes).
 *
 * <p>Under TLS 1.3 a resumption ticket is good for one connection, so each connection must receive the server's
 * next ticket before it closes: a download reads it before the data; for an upload or an empty transfer
 * {@link #close()} reads it, briefly, before sending {@code close_notify}.
 *
 * <p>One thread may read while another writes (the engine allows concurrent wrap and unwrap); reads hold
 * {@code readLock}, writes {@code writeLock}, and the handshake both, always in that order.
 */
final class ResumingClientSocket extends SSLSocket {
    /** Upper bound on the wait for a TLS 1.3 ticket at close; a ticket is sent right after the handshake. */
    static final int TICKET_WAIT_MILLIS = 1000;
    private static final int MAX_BUFFER = 1 << 20;

    private final Socket plain;
    private final SSLEngine engine;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final List<HandshakeCompletedListener> listeners = new CopyOnWriteArrayList<>();
    private final InputStream in = new PlainInput();
    private final OutputStream out = new PlainOutput();

    /** Encrypted bytes read but not yet unwrapped (fill mode); guarded by readLock. */
    private ByteBuffer netIn;
    /** Decrypted bytes not yet handed to the reader (fill mode); guarded by readLock. */
    private ByteBuffer appIn;
    /** Scratch for one wrapped record; guarded by writeLock. */
    private ByteBuffer netOut;
    private volatile boolean handshakeDone;
    private volatile boolean ticketSeen;
    private volatile boolean inboundDone;
    private volatile boolean closed;

    ResumingClientSocket(Socket plain, SSLEngine engine) throws IOException {
        this.plain = plain;
        this.engine = engine;
        this.rawIn = plain.getInputStream();
        this.rawOut = plain.getOutputStream();
        SSLSession session = engine.getSession();
        this.netIn = ByteBuffer.allocate(session.getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(session.getPacketBufferSize());
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
                        case NEED_WRAP -> wrapAndSend(ByteBuffer.allocate(0));
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
    private void unwrapSome() throws IOException {
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
            // a post-handshake message: in practice the server's NewSessionTicket
            ticketSeen = true;
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
                wrapAndSend(ByteBuffer.allocate(0));
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
            // throws unless close_notify arrived: a cut connection must not look like a complete transfer
            engine.closeInbound();
            return;
        }
        netIn.position(netIn.position() + n);
    }

    // ---- writing (writeLock held) ----

    private void writePlain(byte[] b, int off, int len) throws IOException {
        ensureHandshake();
        writeLock.lock();
        try {
            checkOpen();
            ByteBuffer src = ByteBuffer.wrap(b, off, len);
            while (src.hasRemaining()) {
                wrapAndSend(src);
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void wrapAndSend(ByteBuffer src) throws IOException {
        while (true) {
            netOut.clear();
            SSLEngineResult result = engine.wrap(src, netOut);
            switch (result.getStatus()) {
                case BUFFER_OVERFLOW -> netOut = grow(netOut, engine.getSession().getPacketBufferSize());
                case CLOSED -> {
                    send();
                    if (src.hasRemaining()) {
                        throw new SocketException("TLS connection closed");
                    }
                    return;
                }
                default -> {
                    send();
                    if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                    return;
                }
            }
        }
    }

    private void send() throws IOException {
        netOut.flip();
        if (netOut.hasRemaining()) {
            rawOut.write(netOut.array(), netOut.arrayOffset() + netOut.position(), netOut.remaining());
            rawOut.flush();
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

    private void checkOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
    }

    // ---- closing ----

    /**
     * Reads the server's TLS 1.3 ticket if it has not arrived through normal reads (an upload), then sends
     * {@code close_notify} and closes the connection. Never blocks longer than {@link #TICKET_WAIT_MILLIS} on it.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (handshakeDone && !ticketSeen && !inboundDone
                    && "TLSv1.3".equals(engine.getSession().getProtocol())) {
                awaitTicket();
            }
            if (handshakeDone && writeLock.tryLock(TICKET_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                try {
                    engine.closeOutbound();
                    while (!engine.isOutboundDone()) {
                        wrapAndSend(ByteBuffer.allocate(0));
                    }
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (IOException | InterruptedException bestEffort) {
            // the peer may already be gone; closing the socket is what matters now
            if (bestEffort instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            closed = true;
            plain.close();
        }
    }

    private void awaitTicket() throws IOException {
        if (!readLock.tryLock()) {
            return; // a reader is active and will see the ticket itself
        }
        int previousTimeout = plain.getSoTimeout();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TICKET_WAIT_MILLIS);
        try {
            while (!ticketSeen && !inboundDone && appIn.position() == 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                plain.setSoTimeout((int) left);
                unwrapSome();
            }
        } catch (SocketTimeoutException noTicket) {
            // the server sends none; the next data connection will make a full handshake
        } finally {
            plain.setSoTimeout(previousTimeout);
            readLock.unlock();
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
            ResumingClientSocket.this.close();
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
            ResumingClientSocket.this.close();
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
        if (!mode) {
            throw new IllegalArgumentException("this socket resumes client sessions only");
        }
    }

    @Override
    public boolean getUseClientMode() {
        return true;
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

    @Override
    public void shutdownOutput() throws IOException {
        throw new UnsupportedOperationException("use close(): TLS needs close_notify");
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
        return "ResumingClientSocket[" + engine.getPeerHost() + ":" + engine.getPeerPort() + " via " + plain + "]";
    }
}
