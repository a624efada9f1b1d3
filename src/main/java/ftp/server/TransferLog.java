package ftp.server;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Level;

/**
 * {@code log/xferlog}: one line per transfer in the standard wu-ftpd/vsftpd xferlog format, so existing
 * log tools read it. Thread-safe (workers append concurrently; each line is written whole).
 */
public final class TransferLog implements AutoCloseable {
    /** ctime(3) form, as wu-ftpd and vsftpd write it: the day of the month is padded with a space. */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

    public enum Direction { INCOMING, OUTGOING }

    private final Writer out;

    public TransferLog(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /** Logs one transfer: {@code complete} gives status {@code c}, otherwise {@code i}. */
    public void record(String remoteHost, long bytes, String path, boolean binary, Direction direction,
                       String user, long millis, boolean complete) {
        String line = String.format(Locale.ROOT, "%s %d %s %d %s %c _ %c r %s ftp 0 * %c%n",
                TIME.format(ZonedDateTime.now(ZoneId.systemDefault())), Math.max(1, (millis + 999) / 1000),
                remoteHost, bytes, field(path), binary ? 'b' : 'a',
                direction == Direction.INCOMING ? 'i' : 'o', field(user), complete ? 'c' : 'i');
        synchronized (out) {
            try {
                out.write(line);
                out.flush();
            } catch (IOException e) {
                ServerContext.LOG.log(Level.WARNING, "cannot write the transfer log", e);
            }
        }
    }

    /** Fields are separated by spaces and lines by newlines: neither may appear inside one. */
    private static String field(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isWhitespace(c) || Character.isISOControl(c) ? '_' : c);
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        synchronized (out) {
            out.close();
        }
    }
}
