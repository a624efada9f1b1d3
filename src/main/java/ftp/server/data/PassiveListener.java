package ftp.server.data;

import ftp.server.ServerEvents;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One PASV/EPSV listener. The selector thread accepts on it: a connection from any address other than the
 * control connection's peer is closed at once (no data theft), and the first right one closes the listener,
 * so it serves exactly one connection. A transfer command that arrives before the connection waits for it on the
 * selector thread ({@link #whenConnected}), so the worker it is then handed to finds it through {@link #open} at
 * once. Selector thread for accept, expiry and the callback; {@link #open} and {@link #close} from any thread.
 */
public final class PassiveListener implements DataLink {
    private final ServerSocketChannel server;
    private final InetAddress expectedPeer;
    private final ServerEvents events;
    private volatile long deadlineNanos;
    private final CompletableFuture<SocketChannel> connection = new CompletableFuture<>();
    private final AtomicBoolean taken = new AtomicBoolean();
    private Runnable onConnected;

    public PassiveListener(ServerSocketChannel server, InetAddress expectedPeer, Duration timeout,
                           ServerEvents events) {
        this.server = server;
        this.expectedPeer = expectedPeer;
        this.events = events;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    public ServerSocketChannel channel() {
        return server;
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    /** Selector thread: takes pending connections, refusing strangers. */
    public void onAcceptable() {
        try {
            SocketChannel ch;
            while ((ch = server.accept()) != null) {
                InetAddress from = ((InetSocketAddress) ch.getRemoteAddress()).getAddress();
                if (!from.equals(expectedPeer) || connection.isDone()) {
                    events.strangerRefused(from, port(), expectedPeer);
                    ch.close();
                    continue;
                }
                ch.configureBlocking(true);
                if (!connection.complete(ch)) {
                    ch.close();
                }
                server.close();
                connected();
                return;
            }
        } catch (IOException e) {
            connection.completeExceptionally(e);
            close();
            connected();
        }
    }

    /** Selector thread: true once a connection was accepted (or accepting failed), so {@link #open} will not wait. */
    public boolean settled() {
        return connection.isDone();
    }

    /**
     * Selector thread: runs {@code action} on the selector thread once the rightful connection is accepted or
     * accepting failed; not when the listener is closed or expires first (its owner handles those). One action.
     */
    public void whenConnected(Runnable action) {
        onConnected = action;
    }

    private void connected() {
        Runnable action = onConnected;
        onConnected = null;
        if (action != null) {
            action.run();
        }
    }

    /** Selector thread: true while nothing has been accepted, so a repeated PASV may hand out this port again. */
    public boolean unused() {
        return !connection.isDone() && server.isOpen();
    }

    /** Selector thread: a repeated PASV gives the client a fresh {@code timeout} to connect. */
    public void renew(Duration timeout) {
        deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    /** Selector thread: true once the listener outlived {@code timeouts.data} without a connection. */
    public boolean expired(long nowNanos) {
        return !connection.isDone() && nowNanos - deadlineNanos > 0;
    }

    @Override
    public SocketChannel open(Duration timeout) throws IOException {
        try {
            long left = Math.max(1, Math.min(timeout.toNanos(), deadlineNanos - System.nanoTime()));
            SocketChannel ch = connection.get(left, TimeUnit.NANOSECONDS);
            if (!taken.compareAndSet(false, true)) {
                throw new IOException("data listener closed");
            }
            return ch;
        } catch (TimeoutException e) {
            close();
            throw new IOException("no data connection within the timeout");
        } catch (ExecutionException e) {
            throw new IOException("data connection failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("interrupted while waiting for the data connection");
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        if (!connection.completeExceptionally(new IOException("data listener closed"))
                && taken.compareAndSet(false, true)) {
            // Accepted but never handed to a transfer: nobody else will close it.
            try {
                connection.join().close();
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            }
        }
    }
}
