package ftp.bench;

import java.util.Arrays;

/**
 * Latencies of one kind of operation, in nanoseconds, with nearest-rank percentiles (as the peer rig computes
 * them). Holds at most {@link #MAX} samples; past that it counts what it drops. One thread fills a log; merge
 * logs with {@link #addAll} after their threads have ended.
 */
final class LatencyLog {
    static final int MAX = 20_000_000;

    private long[] nanos = new long[256];
    private int size;
    private long dropped;
    private boolean sorted = true;

    void add(long n) {
        if (size == nanos.length) {
            if (size >= MAX) {
                dropped++;
                return;
            }
            nanos = Arrays.copyOf(nanos, Math.min(MAX, size * 2));
        }
        nanos[size++] = n;
        sorted = false;
    }

    void addAll(LatencyLog other) {
        for (int i = 0; i < other.size; i++) {
            add(other.nanos[i]);
        }
        dropped += other.dropped;
    }

    int count() {
        return size;
    }

    long dropped() {
        return dropped;
    }

    /** The nearest-rank percentile {@code q} (0..100) in milliseconds, or null when empty. */
    Double millis(double q) {
        if (size == 0) {
            return null;
        }
        if (!sorted) {
            Arrays.sort(nanos, 0, size);
            sorted = true;
        }
        int i = (int) Math.min(size - 1, Math.max(0, Math.ceil(q / 100.0 * size) - 1));
        return nanos[i] / 1e6;
    }

    /** The value (p99), p50, p99 and max in milliseconds, as the latency scenarios report them. */
    JsonLine percentiles(JsonLine j) {
        return j.put("value", JsonLine.round(millis(99), 3)).put("p50_ms", JsonLine.round(millis(50), 3))
                .put("p99_ms", JsonLine.round(millis(99), 3)).put("max_ms", JsonLine.round(millis(100), 3));
    }
}
