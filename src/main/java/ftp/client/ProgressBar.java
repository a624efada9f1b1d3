package ftp.client;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The transfer progress line {@code [#########.........]  37.20%  12.3 MiB/s  ETA 00:05}.
 *
 * <p>On a terminal it is redrawn in place ({@code \r}) at most ten times a second, fits the terminal's width, and is
 * finished by a 100% line. Anywhere else (a pipe, a log) it prints no control characters and only one line, when
 * the transfer ends or fails. A zero-byte file is complete at once; an unknown size shows bytes instead of a
 * percentage. Several files can share one bar, which then names the current one after the figures. Rendering is a
 * pure function ({@link #render}) so every case is testable. Owned by the thread running the transfer.
 */
final class ProgressBar implements LongConsumer {
    static final int MAX_BAR = 50;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final int width;
    private final long total;
    private long base;
    private final LongSupplier clock;
    private final long start;
    private long lastDraw = Long.MIN_VALUE;
    private long done;
    private int drawnLength;
    private boolean ended;
    private String label = "";

    /**
     * {@code total} is the size of the whole file (-1 when unknown) and {@code base} the bytes already there from an
     * earlier attempt, so a resumed transfer shows its true position; {@link #accept} receives the bytes moved by
     * this transfer.
     */
    ProgressBar(PrintStream out, boolean terminal, int width, long total, long base, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.width = width;
        this.total = total;
        this.base = base;
        this.clock = nanoClock;
        this.start = nanoClock.getAsLong();
        this.done = base;
    }

    @Override
    public void accept(long movedThisTime) {
        done = base + movedThisTime;
        if (!terminal || ended) {
            return;
        }
        long now = clock.getAsLong();
        if (lastDraw == Long.MIN_VALUE || now - lastDraw >= REDRAW_NANOS) {
            lastDraw = now;
            draw(render(done, total, base, now - start, width, false, label));
        }
    }

    /** Names what is moving now (a file of several), after the figures. */
    void label(String text) {
        label = text;
    }

    /** Counts {@code bytes} as done without having been moved now (a file found complete, or resumed). */
    void alreadyThere(long bytes) {
        base += bytes;
        done += bytes;
    }

    /** Ends the line drawn so far, so that a message can be printed; the bar goes on below it. */
    void pause() {
        if (terminal && drawnLength > 0 && !ended) {
            out.println();
            drawnLength = 0;
            lastDraw = Long.MIN_VALUE;
        }
    }

    /** The transfer completed: the final line, at 100%. */
    void finish() {
        end(true);
    }

    /** The transfer failed: the line stays where it got to. */
    void abandon() {
        end(false);
    }

    private void end(boolean complete) {
        if (ended) {
            return;
        }
        ended = true;
        String line = render(done, total, base, clock.getAsLong() - start, width, complete, complete ? "" : label);
        if (terminal) {
            draw(line);
            out.println();
        } else {
            out.println(line);
        }
        out.flush();
    }

    private void draw(String line) {
        int length = DisplayWidth.of(line);
        int pad = Math.max(0, drawnLength - length);
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
        drawnLength = length;
    }

    /**
     * {@link #render(long, long, long, long, int, boolean)} followed by {@code label}, given at most two fifths of
     * the width and shortened from the front (the end of a path says most).
     */
    static String render(long done, long total, long base, long elapsedNanos, int width, boolean complete,
                         String label) {
        if (label.isEmpty()) {
            return render(done, total, base, elapsedNanos, width, complete);
        }
        int labelRoom = Math.min(DisplayWidth.of(label) + 2, width * 2 / 5);
        String figures = render(done, total, base, elapsedNanos, width - labelRoom, complete);
        return labelRoom < 6 ? figures : figures + "  " + shortened(label, labelRoom - 2);
    }

    private static String shortened(String text, int columns) {
        if (DisplayWidth.of(text) <= columns) {
            return text;
        }
        int[] codePoints = text.codePoints().toArray();
        int used = 3;
        int from = codePoints.length;
        while (from > 0 && used + DisplayWidth.of(codePoints[from - 1]) <= columns) {
            used += DisplayWidth.of(codePoints[--from]);
        }
        return "..." + new String(codePoints, from, codePoints.length - from);
    }

    /**
     * One progress line no longer than {@code width - 1} columns (a full-width line would wrap on many terminals).
     * {@code complete} shows the end state: a full bar and the elapsed time instead of the estimate.
     */
    static String render(long done, long total, long base, long elapsedNanos, int width, boolean complete) {
        boolean known = total >= 0;
        double fraction = !known ? (complete ? 1 : 0)
                : total == 0 ? 1 : Math.min(1.0, (double) done / total);
        if (complete && known) {
            fraction = 1;
        }
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? (done - base) / seconds : 0;
        // Rounded down, so that 100.00% means done.
        String amount = known ? String.format(Locale.ROOT, "%6.2f%%", Math.floor(fraction * 10_000) / 100)
                : SizeFormat.size(done);
        String speed = seconds > 0 ? SizeFormat.rate(rate) : "-- B/s";
        String time;
        if (complete) {
            time = SizeFormat.duration(Math.round(seconds));
        } else if (known && rate > 0) {
            time = "ETA " + SizeFormat.duration((long) Math.ceil((total - done) / rate));
        } else {
            time = "ETA --:--";
        }
        int room = Math.max(0, width - 1);
        String[] tails = {
            " " + amount + "  " + speed + "  " + time,
            " " + amount + "  " + speed,
            " " + amount,
        };
        for (String tail : tails) {
            int bar = Math.min(MAX_BAR, room - tail.length() - 2);
            if (bar >= 10 || tail == tails[tails.length - 1]) {
                if (bar < 1) {
                    return amount.trim().length() <= room ? amount.trim() : "";
                }
                int filled = (int) Math.floor(fraction * bar);
                return "[" + "#".repeat(filled) + ".".repeat(bar - filled) + "]" + tail;
            }
        }
        throw new AssertionError("the last tail always returns");
    }
}
