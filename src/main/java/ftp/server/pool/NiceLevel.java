package ftp.server.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Lowers the scheduling priority (the Linux nice value) of threads doing background work, such as
 * digesting uploads, so that work takes the CPU only when transfers leave it idle and catches up after.
 * Linux gives every thread a nice value of its own, but the JDK has no call to set it (thread priorities
 * are ignored unless the JVM runs as root with {@code -XX:ThreadPriorityPolicy=1}), so each thread reads its
 * kernel id from {@code /proc/thread-self} and one {@code renice(1)} lowers them all. Lowering one's own
 * priority needs no privilege; where it cannot be done (another OS, no renice) the threads keep the normal
 * priority and the log says so. Any thread.
 */
public final class NiceLevel {
    public static final int MAX = 19;

    private static final Logger LOG = Logger.getLogger("ftpd");
    private static final long RENICE_TIMEOUT_SECONDS = 10;

    private NiceLevel() {}

    /** The calling thread's kernel id, or -1 where {@code /proc/thread-self} does not name it. */
    public static long currentThreadId() {
        try {
            // "PID/task/TID"
            return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
            return -1;
        }
    }

    /** Sets the nice value of the threads with these kernel ids to {@code nice}; false (logged) if it could not. */
    public static boolean apply(Collection<Long> threadIds, int nice) {
        if (nice < 0 || nice > MAX) {
            throw new IllegalArgumentException("nice must be 0-" + MAX + ": " + nice);
        }
        if (threadIds.isEmpty() || threadIds.contains(-1L)) {
            LOG.info("background threads keep normal priority: their thread ids are unknown on this system");
            return false;
        }
        List<String> command = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        threadIds.forEach(id -> command.add(Long.toString(id)));
        try {
            Process renice = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(RENICE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
                LOG.info("background threads keep normal priority: renice did not finish");
                return false;
            }
            if (renice.exitValue() != 0) {
                LOG.info("background threads keep normal priority: renice exited with " + renice.exitValue());
                return false;
            }
            return true;
        } catch (IOException e) {
            LOG.info("background threads keep normal priority: cannot run renice (" + e.getMessage() + ")");
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
