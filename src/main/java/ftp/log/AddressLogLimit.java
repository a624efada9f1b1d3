package ftp.log;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How many per-connection log lines one client address may cause: the first {@code linesPerWindow} in a
 * window pass, the rest are only counted, and once the window is over one summary line says how many were
 * left out. So a client's connect/close loop costs a few lines a minute, not one per connection. The table
 * holds at most {@code maxAddresses}; the address heard from least recently is forgotten first, with its
 * summary. {@code linesPerWindow} 0 lets every line pass. Thread-safe (one lock; summaries are handed to
 * {@code summaries} under it, which must not block).
 */
public final class AddressLogLimit {
    private static final class Window {
        Instant start;
        int lines;
        long suppressed;
    }

    private final int linesPerWindow;
    private final Duration window;
    private final Clock clock;
    private final Consumer<String> summaries;
    private final LinkedHashMap<InetAddress, Window> table; // guarded by this

    public AddressLogLimit(int linesPerWindow, Duration window, int maxAddresses, Clock clock,
                           Consumer<String> summaries) {
        if (linesPerWindow < 0 || maxAddresses < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("linesPerWindow must not be negative; window and maxAddresses positive");
        }
        this.linesPerWindow = linesPerWindow;
        this.window = window;
        this.clock = clock;
        this.summaries = summaries;
        this.table = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Window> eldest) {
                if (size() <= maxAddresses) {
                    return false;
                }
                summarize(eldest.getKey(), eldest.getValue());
                return true;
            }
        };
    }

    /** True when a line about {@code address} may be logged now; false when it is only counted. */
    public synchronized boolean allow(InetAddress address) {
        if (linesPerWindow == 0) {
            return true;
        }
        Instant now = clock.instant();
        Window w = table.get(address);
        if (w != null && over(w, now)) {
            summarize(address, w);
            w = null;
        }
        if (w == null) {
            w = new Window();
            w.start = now;
            table.put(address, w);
        }
        if (w.lines < linesPerWindow) {
            w.lines++;
            return true;
        }
        w.suppressed++;
        return false;
    }

    /** Summarizes and forgets the windows that are over; call it now and then (the server does once a second). */
    public synchronized void sweep() {
        Instant now = clock.instant();
        for (Iterator<Map.Entry<InetAddress, Window>> it = table.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<InetAddress, Window> e = it.next();
            if (over(e.getValue(), now)) {
                summarize(e.getKey(), e.getValue());
                it.remove();
            }
        }
    }

    /** Summarizes every window, over or not, and forgets them: the server is stopping. */
    public synchronized void flush() {
        table.forEach(this::summarize);
        table.clear();
    }

    /** Addresses in the table now; the tests check that the table stays bounded. */
    synchronized int trackedAddresses() {
        return table.size();
    }

    private boolean over(Window w, Instant now) {
        return !now.isBefore(w.start.plus(window));
    }

    private void summarize(InetAddress address, Window w) {
        if (w.suppressed > 0) {
            summaries.accept("lines suppressed from=" + address.getHostAddress() + " count=" + w.suppressed
                    + " window=" + window.toSeconds() + "s");
        }
    }
}
