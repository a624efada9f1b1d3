package ftp.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting for a state that the code under test reaches in its own time: the test polls for it with a generous
 * deadline instead of sleeping for a guessed while, so a slow machine makes it wait longer but never fails it.
 * Test thread.
 */
public final class Eventually {
    /** Far more than any wait here takes on a loaded machine; reached only when the state never comes. */
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    private Eventually() {}

    /** Polls {@code condition} every 20 ms until it holds or 15 s pass; returns its last value. */
    public static boolean holds(BooleanSupplier condition) throws InterruptedException {
        return holds(DEADLINE, condition);
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code deadline} passes; returns its last value. */
    public static boolean holds(Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                return condition.getAsBoolean();
            }
            Thread.sleep(20);
        }
        return true;
    }
}
