package ftp.bench;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closes connections that outlive their deadline, so a stalled server fails a scenario instead of hanging it.
 * Owns one daemon thread that looks twice a second; {@link #watch} and {@link #release} may be called from any
 * thread.
 */
final class Watchdog {
    private final Map<Closeable, Long> deadlines = new ConcurrentHashMap<>();
    private final AtomicInteger expired = new AtomicInteger();

    Watchdog() {
        Thread t = new Thread(this::patrol, "bench-watchdog");
        t.setDaemon(true);
        t.start();
    }

    void watch(Closeable connection, Duration allowed) {
        deadlines.put(connection, System.nanoTime() + allowed.toNanos());
    }

    void release(Closeable connection) {
        deadlines.remove(connection);
    }

    /** How many connections were closed for being too slow. */
    int expired() {
        return expired.get();
    }

    private void patrol() {
        while (true) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            deadlines.forEach((c, deadline) -> {
                if (now - deadline > 0 && deadlines.remove(c, deadline)) {
                    expired.incrementAndGet();
                    try {
                        c.close();
                    } catch (IOException ignored) {
                        // closing is all we wanted
                    }
                }
            });
        }
    }
}
