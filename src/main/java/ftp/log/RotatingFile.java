package ftp.log;

import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A log file bounded by size: a line that would take it past {@code maxBytes} first moves it to
 * {@code NAME.1} (what was {@code NAME.1} becomes {@code NAME.2}, and so on; the oldest beyond {@code keep}
 * is deleted), so the file and its {@code keep} predecessors never hold much more than
 * {@code (keep + 1) * maxBytes}. Lines are appended whole, in {@code O_APPEND} mode, so another process that
 * appends whole lines the same way (the admin commands) never interleaves with them. New files are created
 * {@code rw-r-----}. Thread-safe (one lock).
 */
public final class RotatingFile implements Closeable {
    private final Path file;
    private final long maxBytes;
    private final int keep;
    private OutputStream out;
    private long size;

    public RotatingFile(Path file, long maxBytes, int keep) throws IOException {
        if (maxBytes < 1 || keep < 0) {
            throw new IllegalArgumentException("maxBytes must be positive and keep not negative");
        }
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
        open();
    }

    /**
     * Opens {@code file} for appending whole lines, creating it {@code rw-r-----} if it is new. For a writer
     * that appends now and then beside the server's own (the admin commands).
     */
    public static OutputStream openAppending(Path file) throws IOException {
        return new FileOutputStream(LogFiles.createIfMissing(file).toFile(), true);
    }

    /** Appends each line whole (a line longer than {@code maxBytes} fills a file of its own). */
    public synchronized void append(List<byte[]> lines) throws IOException {
        int from = 0;
        long pending = 0;
        for (int i = 0; i < lines.size(); i++) {
            int length = lines.get(i).length;
            if (size + pending + length > maxBytes && size + pending > 0) {
                write(lines.subList(from, i), pending);
                rotate();
                from = i;
                pending = 0;
            }
            pending += length;
        }
        write(lines.subList(from, lines.size()), pending);
    }

    /** One write for many lines: fewer system calls, and each line still lands whole. */
    private void write(List<byte[]> lines, long bytes) throws IOException {
        if (lines.isEmpty()) {
            return;
        }
        byte[] all = new byte[Math.toIntExact(bytes)];
        int at = 0;
        for (byte[] line : lines) {
            System.arraycopy(line, 0, all, at, line.length);
            at += line.length;
        }
        out.write(all);
        size += all.length;
    }

    private void open() throws IOException {
        out = openAppending(file);
        size = Files.size(file);
    }

    private void rotate() throws IOException {
        out.close();
        try {
            if (keep == 0) {
                Files.deleteIfExists(file);
            } else {
                Files.deleteIfExists(numbered(keep));
                for (int i = keep - 1; i >= 1; i--) {
                    if (Files.exists(numbered(i))) {
                        Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                Files.move(file, numbered(1), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            open(); // even when a move failed, keep logging
        }
    }

    private Path numbered(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
