package ftp.server.command;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Encodes listing lines as UTF-8 into one buffer sized for the listing (at most {@value #MAX_CHUNK} bytes) and
 * writes it out whenever it fills, so a LIST costs a few kilobytes and a few socket writes. One listing's
 * worker.
 */
final class Utf8Lines {
    private static final int MAX_CHUNK = 64 * 1024;
    private static final int TYPICAL_LINE = 128;

    private final OutputStream out;
    private final byte[] buffer;
    private int used;

    Utf8Lines(OutputStream out, int lines) {
        this.out = out;
        this.buffer = new byte[(int) Math.min(MAX_CHUNK, Math.max(1, (long) lines) * TYPICAL_LINE)];
    }

    void write(CharSequence line) throws IOException {
        int n = line.length();
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c >= 0x80) {
                // Everything before i is ASCII, so no surrogate pair is split here.
                write(line.subSequence(i, n).toString().getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (used == buffer.length) {
                flush();
            }
            buffer[used++] = (byte) c;
        }
    }

    private void write(byte[] bytes) throws IOException {
        for (int off = 0; off < bytes.length; ) {
            if (used == buffer.length) {
                flush();
            }
            int n = Math.min(bytes.length - off, buffer.length - used);
            System.arraycopy(bytes, off, buffer, used, n);
            used += n;
            off += n;
        }
    }

    void flush() throws IOException {
        if (used > 0) {
            out.write(buffer, 0, used);
            used = 0;
        }
    }
}
