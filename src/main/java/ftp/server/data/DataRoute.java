package ftp.server.data;

import ftp.server.Reply;
import ftp.tls.TlsStream;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A data route: how the next transfer will reach the client, set up by PASV/EPSV ({@link PassiveRoute}) or
 * PORT/EPRT ({@link ActiveRoute}), until it yields the connection a worker then turns into a
 * {@link DataConnection}. The selector thread owns it and does every wait for it (the accept, the connect, under
 * PROT P the TLS handshake) and hands the transfer command to a worker only once all are done, so the worker's
 * {@link #open} returns at once. {@link #settled}, {@link #whenConnected}, {@link #connection}, {@link #secured},
 * {@link #expired} and {@link #renew}: selector thread; {@link #open} and {@link #tls} (one worker, once) and
 * {@link #close}: any thread.
 */
public abstract class DataRoute implements Closeable {
    private final CompletableFuture<SocketChannel> connection = new CompletableFuture<>();
    private final AtomicBoolean taken = new AtomicBoolean();
    private volatile TlsStream tls;
    private volatile Reply refusal;
    private volatile long deadlineNanos;
    private Runnable onConnected;

    protected DataRoute(Duration timeout) {
        renew(timeout);
    }

    /** Selector thread: the connection is up (a blocking-mode channel); runs the waiting command. */
    protected final void established(SocketChannel ch) {
        if (!connection.complete(ch)) {
            closeQuietly(ch); // closed or failed meanwhile
        }
        connected();
    }

    /** Selector thread: connecting failed; the waiting command runs and reports it. */
    protected final void failed(IOException e) {
        connection.completeExceptionally(e);
        close();
        connected();
    }

    /** Selector thread: true once connected (or failed), so {@link #open} will not wait. */
    public final boolean settled() {
        return connection.isDone();
    }

    /**
     * Selector thread: runs {@code action} on the selector thread once the connection is up or failed; not
     * when the link is closed or expires first (its owner handles those). One action; null removes it.
     */
    public final void whenConnected(Runnable action) {
        onConnected = action;
    }

    private void connected() {
        Runnable action = onConnected;
        onConnected = null;
        if (action != null) {
            action.run();
        }
    }

    /** Selector thread: the connection once it is up, for its TLS handshake; null if it failed or was closed. */
    public final SocketChannel connection() {
        return connection.isDone() && !connection.isCompletedExceptionally() ? connection.getNow(null) : null;
    }

    /** Selector thread: the TLS the loop established on the connection (PROT P), for the worker. */
    public final void secured(TlsStream stream) {
        tls = stream;
    }

    /** Selector thread: the connection will not be used (its TLS handshake failed or was cut short); closes it. */
    public final void refuse(Reply reply) {
        refusal = reply;
        close();
    }

    /** Worker: why the loop refused the connection, or null. */
    public final Reply refusal() {
        return refusal;
    }

    /** Worker, after {@link #open}: the connection's TLS, or null if the loop established none. */
    public final TlsStream tls() {
        return tls;
    }

    /** Selector thread: the client gets a fresh {@code timeout} to connect (or to be reached). */
    public final void renew(Duration timeout) {
        deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    /** Selector thread: true once the wait outlived {@code timeouts.data} without a connection. */
    public final boolean expired(long nowNanos) {
        return !connection.isDone() && nowNanos - deadlineNanos > 0;
    }

    /** True while the connection has neither come nor failed. */
    protected final boolean pending() {
        return !connection.isDone();
    }

    /** Worker: the connection, a blocking-mode channel; returns at once on a settled link. */
    public final SocketChannel open(Duration timeout) throws IOException {
        try {
            long left = Math.max(1, Math.min(timeout.toNanos(), deadlineNanos - System.nanoTime()));
            SocketChannel ch = connection.get(left, TimeUnit.NANOSECONDS);
            if (!taken.compareAndSet(false, true)) {
                throw new IOException("data route closed");
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

    /** Releases the passive listener or pending connect, and a connection nobody took. Idempotent. */
    @Override
    public final void close() {
        stopWaiting();
        if (!connection.completeExceptionally(new IOException("data route closed"))
                && taken.compareAndSet(false, true)) {
            // Connected but never handed to a transfer: nobody else will close it.
            try {
                connection.join().close();
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            }
        }
    }

    /** Closes what waits for the connection (the passive listener, the connecting channel). */
    protected abstract void stopWaiting();

    static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
