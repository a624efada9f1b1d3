package ftp.server.data;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live state of one running transfer, shared between the worker that moves the bytes and the selector
 * thread that answers STAT and ABOR and watches for stalls: a byte counter with the time of the last
 * progress, the abort flag, and what to close so a blocked worker wakes up (first the passive listener or
 * pending connect, then the data connection). Thread-safe.
 */
public final class TransferHandle {
    private final String description;
    private final long startedNanos = System.nanoTime();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long lastProgressNanos = startedNanos;
    private volatile long expected = -1;
    private volatile boolean aborted;
    private volatile boolean timedOut;
    private volatile Closeable connection;

    public TransferHandle(String description) {
        this.description = printable(description);
    }

    /**
     * Worker: what {@link #abort} must close from now on. Attaching to an already aborted transfer closes
     * at once and throws, so the worker stops instead of waiting on a connection nobody wants.
     */
    public void attach(Closeable dataConnection) throws IOException {
        connection = dataConnection;
        if (aborted) {
            dataConnection.close();
            throw new IOException("transfer aborted");
        }
    }

    public void expect(long totalBytes) {
        expected = totalBytes;
    }

    /** Worker: {@code n} more bytes moved (0 just says the worker is alive, e.g. while it reads the disk). */
    public void add(long n) {
        bytes.addAndGet(n);
        lastProgressNanos = System.nanoTime();
    }

    public long bytes() {
        return bytes.get();
    }

    /** The command as the client sent it, bounded and without control characters. */
    public String description() {
        return description;
    }

    /** The average rate since the transfer started. */
    public double bytesPerSecond(long nowNanos) {
        return bytes.get() / Math.max(1e-3, (nowNanos - startedNanos) / 1e9);
    }

    public boolean aborted() {
        return aborted;
    }

    /** True when the transfer was stopped because nothing moved for {@code timeouts.data}. */
    public boolean timedOut() {
        return timedOut;
    }

    /** Marks the transfer aborted and closes its data connection, which interrupts any blocking I/O on it. */
    public void abort() {
        aborted = true;
        Closeable c = connection;
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // the worker sees the closed connection either way
            }
        }
    }

    /**
     * Selector thread, from the once-a-second sweep: aborts a transfer whose data connection moved nothing
     * for {@code limit} (a client that never connects, never sends, or never reads), so no worker is held
     * forever. Blocking sends have no socket timeout of their own; this is it.
     */
    public void abortIfStalled(long nowNanos, Duration limit) {
        if (!aborted && nowNanos - lastProgressNanos > limit.toNanos()) {
            timedOut = true;
            abort();
        }
    }

    /** One line for STAT: what is moving and how far it got. */
    public String progress() {
        long now = System.nanoTime();
        String of = expected >= 0 ? " of " + expected : "";
        return String.format(Locale.ROOT, "%s: %d%s bytes transferred, %.1f s, %.1f MiB/s",
                description, bytes.get(), of, (now - startedNanos) / 1e9, bytesPerSecond(now) / (1 << 20));
    }

    /** The command as the client sent it, bounded and without control characters, fit for a reply. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
