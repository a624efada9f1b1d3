package ftp.server.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * How much CPU the threads of a pool may take from other work: background work such as digesting uploads
 * should use only CPU that transfers leave over, and catch up afterwards. Linux schedules every thread on
 * its own, but the JDK cannot set a thread's scheduling (thread priorities are ignored unless the JVM runs as
 * root with {@code -XX:ThreadPriorityPolicy=1}), so a thread reads its kernel id from
 * {@code /proc/thread-self} and runs {@code chrt(1)} or {@code renice(1)} on itself. A thread may always lower
 * its own priority; where it cannot be done (another OS, the tool missing) the thread keeps the normal
 * priority and the log says so once. Any thread.
 */
public enum ThreadPriority {
    /** Like every other thread. */
    NORMAL,
    /** Nice 19: a small share of a CPU others want. */
    LOW,
    /** SCHED_IDLE: only CPU time that no other thread wants; any other thread that wakes up preempts it. */
    IDLE;

    private static final Logger LOG = Logger.getLogger("ftpd");
    private static final long TOOL_TIMEOUT_SECONDS = 10;
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    /** The value of a setting: normal, low or idle. */
    public static ThreadPriority parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }

    /** Gives the calling thread this priority; false (logged once per process) if it could not. */
    public boolean applyToCurrentThread() {
        if (this == NORMAL) {
            return true;
        }
        long id = currentThreadId();
        if (id < 0) {
            return failed("thread ids are unknown on this system");
        }
        List<String> command = this == IDLE
                ? List.of("chrt", "--idle", "-p", "0", Long.toString(id))
                : List.of("renice", "-n", "19", "-p", Long.toString(id));
        try {
            Process tool = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!tool.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                tool.destroyForcibly();
                return failed(command.get(0) + " did not finish");
            }
            return tool.exitValue() == 0 || failed(command.get(0) + " exited with " + tool.exitValue());
        } catch (IOException e) {
            return failed("cannot run " + command.get(0) + " (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The calling thread's kernel id, or -1 where {@code /proc/thread-self} does not name it. */
    public static long currentThreadId() {
        try {
            // "PID/task/TID"
            return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
            return -1;
        }
    }

    private boolean failed(String why) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.info("background threads keep normal priority instead of " + name().toLowerCase(Locale.ROOT)
                    + ": " + why);
        }
        return false;
    }
}
