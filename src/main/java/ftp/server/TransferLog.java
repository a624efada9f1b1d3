package ftp.server;

import ftp.log.LogField;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Level;

/**
 * {@code log/xferlog}: one line per transfer in the standard wu-ftpd/vsftpd xferlog format, so existing
 * log tools read it. Bounded: past {@value #MAX_BYTES} bytes the file becomes {@code xferlog.1} (replacing
 * the previous one) and a new one starts. Thread-safe (workers append concurrently; each line is written
 * whole, under one lock).
 */
public final class TransferLog implements AutoCloseable {
    static final long MAX_BYTES = 64L << 20;

    /** ctime(3) form, as wu-ftpd and vsftpd write it: the day of the month is padded with a space. */
    private static final DateTimeFormatter CTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

    public enum Direction { INCOMING, OUTGOING }

    private final Path file;
    private final long maxBytes;
    private final Clock clock;
    private final LogTimestamps time;
    private OutputStream out;
    private long size;

    /** Lines carry the system clock's time in the system's zone, as ctime(3) in other servers' logs does. */
    public TransferLog(Path file) throws IOException {
        this(file, MAX_BYTES, Clock.systemDefaultZone());
    }

    /** Lines carry {@code clock}'s time in {@code clock}'s zone. */
    TransferLog(Path file, long maxBytes, Clock clock) throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.clock = clock;
        this.time = new LogTimestamps(CTIME, clock.getZone());
        Files.createDirectories(file.getParent());
        open();
    }

    /** Logs one transfer: {@code complete} gives status {@code c}, otherwise {@code i}. */
    public void record(String remoteHost, long bytes, String path, boolean binary, Direction direction,
                       String user, long millis, boolean complete) {
        String line = new StringBuilder(96 + path.length())
                .append(time.secondOf(clock.millis())).append(' ')
                .append(Math.max(1, (millis + 999) / 1000)).append(' ')
                .append(remoteHost).append(' ')
                .append(bytes).append(' ')
                .append(LogField.token(path)).append(' ')
                .append(binary ? 'b' : 'a').append(" _ ")
                .append(direction == Direction.INCOMING ? 'i' : 'o').append(" r ")
                .append(LogField.token(user)).append(" ftp 0 * ")
                .append(complete ? 'c' : 'i').append('\n').toString();
        byte[] bytesOfLine = line.getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try {
                if (size + bytesOfLine.length > maxBytes) {
                    rotate();
                }
                out.write(bytesOfLine);
                out.flush();
                size += bytesOfLine.length;
            } catch (IOException e) {
                ServerContext.LOG.log(Level.WARNING, "cannot write the transfer log", e);
            }
        }
    }

    private void open() throws IOException {
        out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        size = Files.size(file);
    }

    private void rotate() throws IOException {
        out.close();
        try {
            Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            open(); // even when the move failed, keep logging
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
