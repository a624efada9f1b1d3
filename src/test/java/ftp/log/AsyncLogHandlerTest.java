package ftp.log;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.testing.Eventually;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log writer: callers never wait for the disk, the queue is bounded, and what it drops is counted and said. */
class AsyncLogHandlerTest {
    @TempDir
    Path dir;

    /** What the handler copies to its second stream (standard output in the server). */
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    private static final Formatter MESSAGES = new Formatter() {
        @Override
        public String format(LogRecord r) {
            return r.getMessage() + "\n";
        }
    };

    /** Writes the message alone; while {@code gate} is closed, the writer thread stops at its first record. */
    private static final class GatedFormatter extends Formatter {
        final CountDownLatch gate = new CountDownLatch(1);
        volatile boolean waiting;

        @Override
        public String format(LogRecord r) {
            waiting = true;
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return r.getMessage() + "\n";
        }
    }

    private AsyncLogHandler handler(Formatter formatter, int capacity) throws IOException {
        return new AsyncLogHandler(new RotatingFile(dir.resolve("ftpd.log"), 1 << 20, 1), copy, formatter, capacity);
    }

    private List<String> lines() throws IOException {
        return Files.readAllLines(dir.resolve("ftpd.log"));
    }

    @Test
    void aFullQueueDropsAndCountsWithoutMakingTheCallerWaitAndTheCountIsLogged() throws Exception {
        GatedFormatter formatter = new GatedFormatter();
        AsyncLogHandler handler = handler(formatter, 4);
        try {
            handler.publish(new LogRecord(Level.INFO, "first"));
            assertThat(Eventually.holds(() -> formatter.waiting)).as("the writer holds the first record").isTrue();
            long started = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                handler.publish(new LogRecord(Level.INFO, "record " + i));
            }
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started))
                    .as("publishing never waits for the stuck writer").isLessThan(5);
            assertThat(handler.dropped()).isEqualTo(6);
        } finally {
            formatter.gate.countDown();
            handler.close();
        }
        assertThat(lines()).containsExactly("first", "record 0", "record 1", "record 2", "record 3",
                "log queue full: 6 records dropped");
    }

    @Test
    void flushWaitsUntilWhatWasPublishedIsInTheFile() throws Exception {
        AsyncLogHandler handler = handler(MESSAGES, 100);
        try {
            for (int i = 0; i < 50; i++) {
                handler.publish(new LogRecord(Level.INFO, "record " + i));
            }
            handler.flush();
            assertThat(lines()).hasSize(50).endsWith("record 49");
            assertThat(copy.toString(StandardCharsets.UTF_8).lines().toList()).isEqualTo(lines());
            assertThat(handler.dropped()).isZero();
        } finally {
            handler.close();
        }
    }

    @Test
    void closeWritesWhatIsQueuedAndLaterRecordsAreIgnored() throws Exception {
        AsyncLogHandler handler = handler(MESSAGES, 100);
        handler.setLevel(Level.INFO);
        handler.publish(new LogRecord(Level.INFO, "ftpd stopped"));
        handler.publish(new LogRecord(Level.FINE, "below the level"));
        handler.close();
        handler.publish(new LogRecord(Level.INFO, "after close"));
        assertThat(lines()).containsExactly("ftpd stopped");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("ftpd-log") && t.isAlive());
    }
}
