package ftp.bench;

import java.time.Duration;
import java.util.List;

/**
 * What every scenario needs besides its target: the options, and the server process when this machine can see
 * it (null otherwise, and server-side numbers are left out). Immutable; any thread.
 *
 * @param firstLoginMillis connect to 230 of this run's first login; a cold password check when the server is fresh
 */
record Bench(BenchOptions options, ServerProcess server, double firstLoginMillis) {
    static final long MIB = 1L << 20;

    /** Runs {@code clients} for the window the options ask for; each gets 30 s to stop once it closes. */
    TimedWindow.Outcome window(List<? extends TimedWindow.Client> clients) throws InterruptedException {
        return TimedWindow.run(clients, Duration.ofMillis((long) (options.seconds() * 1000)), server,
                Duration.ofSeconds(30));
    }

    static void progress(String line) {
        System.err.println("  " + line);
    }
}
