package ftp.bench;

import java.io.IOException;

/**
 * The measured user of a load scenario: after a short delay (the load is in place by then), runs one round of
 * commands again and again on its session and times each round that ends inside the window. The first failure
 * is counted and ends the client. Its own thread only.
 */
final class TimedRounds extends SessionClient {
    private static final long DELAY_NANOS = 500_000_000L;

    private final String what;
    private final Step round;
    final LatencyLog log = new LatencyLog();

    TimedRounds(Target target, ErrorTally errors, String what, Step round) {
        super(target, errors, what);
        this.what = what;
        this.round = round;
    }

    /** Seconds of a window of {@code seconds} in which rounds were timed. */
    static double timedSeconds(double seconds) {
        return seconds - DELAY_NANOS / 1e9;
    }

    @Override
    public void loop(long end) {
        try {
            TimedWindow.sleepUntil(System.nanoTime() + DELAY_NANOS);
        } catch (InterruptedException e) {
            return;
        }
        while (c != null && System.nanoTime() - end < 0) {
            long t0 = System.nanoTime();
            try {
                round.run(c);
            } catch (IOException e) {
                errors.add(what, e);
                abort();
                return;
            }
            long t1 = System.nanoTime();
            if (t1 - end <= 0) {
                log.add(t1 - t0);
            }
        }
        if (c != null) {
            c.quit();
        }
    }
}
