package ftp.server;

import ftp.log.LogField;
import ftp.log.RotatingFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;

/**
 * {@code log/xferlog}: one line per transfer in the standard wu-ftpd/vsftpd xferlog format, so existing
 * log tools read it. Bounded like {@code ftpd.log} ({@code log.max_size}, {@code log.keep}). Written by the
 * transfer workers as their transfer ends, never by the selector thread. Thread-safe (workers append
 * concurrently; each line is written whole, under the file's lock).
 */
public final class TransferLog implements AutoCloseable {
    /** ctime(3) form, as wu-ftpd and vsftpd write it: the day of the month is padded with a space. */
    private static final DateTimeFormatter CTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

    public enum Direction { INCOMING, OUTGOING }

    private final RotatingFile file;
    private final Clock clock;
    private final LogTimestamps time;
    private final String node;

    /**
     * Lines carry the system clock's time in the system's zone, as ctime(3) in other servers' logs does, and
     * end with {@code node} (a validated {@code node.name}).
     */
    public TransferLog(Path file, long maxBytes, int keep, String node) throws IOException {
        this(file, maxBytes, keep, node, Clock.systemDefaultZone());
    }

    /** Lines carry {@code clock}'s time in {@code clock}'s zone. */
    TransferLog(Path file, long maxBytes, int keep, String node, Clock clock) throws IOException {
        this.file = new RotatingFile(file, maxBytes, keep);
        this.node = node;
        this.clock = clock;
        this.time = new LogTimestamps(CTIME, clock.getZone());
    }

    /**
     * Logs one transfer: {@code complete} gives status {@code c}, otherwise {@code i}. The node's name is an
     * extra field after the standard ones, not in one of them (service-name is read as "ftp" by some tools):
     * tools that read the standard fields by position still find each where they expect it.
     */
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
                .append(complete ? 'c' : 'i').append(' ')
                .append(node).append('\n').toString();
        try {
            file.append(List.of(line.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            ServerContext.LOG.log(Level.WARNING, "cannot write the transfer log", e);
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
