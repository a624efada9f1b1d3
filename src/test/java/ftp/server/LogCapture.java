package ftp.server;

import ftp.testing.Eventually;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The server's {@code ftpd.log} messages while it is open, as the in-process servers of a test log them (the
 * line without its time and level). Any thread logs; the test thread reads.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger = Logger.getLogger("ftpd");
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            lines.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    public LogCapture() {
        logger.addHandler(handler);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines that match, once at least {@code count} of them came (or 15 s passed). */
    public List<String> await(int count, Predicate<String> match) throws InterruptedException {
        Eventually.holds(() -> lines.stream().filter(match).count() >= count);
        return lines.stream().filter(match).toList();
    }

    /** The first line that starts with {@code prefix}, once it came; fails when none does within 15 s. */
    public String awaitLine(String prefix) throws InterruptedException {
        List<String> found = await(1, l -> l.startsWith(prefix));
        if (found.isEmpty()) {
            throw new AssertionError("no line starting with \"" + prefix + "\" in " + lines);
        }
        return found.get(0);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
