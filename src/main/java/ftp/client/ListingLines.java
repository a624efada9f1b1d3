package ftp.client;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a listing into lines as it arrives and hands each one on, decoded from UTF-8, without its line end. A line is
 * cut at a bound so that a listing without line breaks cannot grow in memory. Owned by the thread running the
 * listing.
 */
final class ListingLines extends OutputStream {
    private static final int MAX_LINE = 64 * 1024;
    private final Consumer<String> sink;
    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private int count;

    ListingLines(Consumer<String> sink) {
        this.sink = sink;
    }

    /** The lines handed on so far. */
    int count() {
        return count;
    }

    @Override
    public void write(int b) {
        if (b == '\n') {
            emit();
            return;
        }
        if (length == MAX_LINE) {
            emit();
        }
        line[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    private void emit() {
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        sink.accept(new String(line, 0, end, StandardCharsets.UTF_8));
        length = 0;
        count++;
    }

    @Override
    public void close() {
        if (length > 0) {
            emit();
        }
    }
}
