package ftp.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * A {@code java.util.logging} handler that never makes its caller wait, so the selector thread may log:
 * {@link #publish} only offers the record to a bounded queue, and one thread ({@code ftpd-log}) formats the
 * records and appends them to a {@link RotatingFile} in batches, and writes them to a second stream as well
 * (standard output, which a service manager reads: a slow reader holds up this thread, never a caller). When
 * the queue is full the record is dropped and counted, and the next batch ends with a line that says how
 * many were lost. Any thread publishes;
 * {@link #close} is called once, at the end.
 */
public final class AsyncLogHandler extends Handler {
    private static final int BATCH = 512;
    private static final LogRecord STOP = new LogRecord(Level.OFF, "stop");

    private final BlockingQueue<LogRecord> queue;
    private final RotatingFile file;
    private final OutputStream copy;
    private final Thread writer;
    private final AtomicLong droppedSinceReport = new AtomicLong();
    private final AtomicLong droppedTotal = new AtomicLong();
    private final AtomicLong queued = new AtomicLong();
    private final Object progress = new Object();
    private long written; // guarded by progress: records taken off the queue and written (or failed)
    private volatile boolean closed;

    public AsyncLogHandler(RotatingFile file, OutputStream copy, Formatter formatter, int capacity) {
        this.file = file;
        this.copy = copy;
        this.queue = new ArrayBlockingQueue<>(capacity);
        setFormatter(formatter);
        this.writer = new Thread(this::writeUntilStopped, "ftpd-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Never blocks: a record that finds the queue full is dropped and counted. */
    @Override
    public void publish(LogRecord r) {
        if (closed || !isLoggable(r)) {
            return;
        }
        if (queue.offer(r)) {
            queued.incrementAndGet();
        } else {
            droppedSinceReport.incrementAndGet();
            droppedTotal.incrementAndGet();
        }
    }

    /** Records dropped because the queue was full, since the start. */
    public long dropped() {
        return droppedTotal.get();
    }

    /** Waits (at most 5 s) until every record queued before the call is in the file. Not for the selector thread. */
    @Override
    public void flush() {
        long target = queued.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        synchronized (progress) {
            try {
                long left;
                while (written < target && (left = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Writes what is queued (waiting at most 5 s for it), then closes the file; later records are ignored. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (queue.offer(STOP, 5, TimeUnit.SECONDS)) {
                writer.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            file.close();
        } catch (IOException e) {
            reportError("cannot close the log", e, ErrorManager.CLOSE_FAILURE);
        }
    }

    private void writeUntilStopped() {
        List<LogRecord> batch = new ArrayList<>(BATCH);
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only close() ends this thread, by STOP, so that nothing queued is lost
            }
            queue.drainTo(batch, BATCH - 1);
            stop = batch.remove(STOP);
            write(batch);
            synchronized (progress) {
                written += batch.size();
                progress.notifyAll();
            }
            batch.clear();
        }
    }

    private void write(List<LogRecord> batch) {
        // Read first: records dropped before this batch was taken are newer than it, so their line follows it.
        // A drop while this batch is written leaves the queue full, so a next batch reports it.
        long lost = droppedSinceReport.getAndSet(0);
        List<byte[]> lines = new ArrayList<>(batch.size() + 1);
        for (LogRecord r : batch) {
            addFormatted(lines, r);
        }
        if (lost > 0) {
            addFormatted(lines, new LogRecord(Level.WARNING, "log queue full: " + lost + " records dropped"));
        }
        try {
            file.append(lines);
        } catch (IOException e) {
            reportError("cannot write the log", e, ErrorManager.WRITE_FAILURE);
        }
        try {
            for (byte[] line : lines) {
                copy.write(line);
            }
            copy.flush();
        } catch (IOException e) {
            reportError("cannot copy the log", e, ErrorManager.WRITE_FAILURE);
        }
    }

    private void addFormatted(List<byte[]> lines, LogRecord r) {
        try {
            lines.add(getFormatter().format(r).getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            reportError("cannot format a log record", e, ErrorManager.FORMAT_FAILURE);
        }
    }
}
