package ftp.bench;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A blocking byte stream under one FTP connection, control or data, plain or TLS. One thread at a time.
 */
interface Wire extends Closeable {
    /** Reads at least one byte into {@code dst} (which must have room), or returns -1 at the end of the stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes every remaining byte of {@code src}. */
    void write(ByteBuffer src) throws IOException;

    /** Ends the stream politely: TLS sends close_notify and waits for the peer's before the socket closes. */
    @Override
    void close() throws IOException;

    /** Drops the connection at once, without a goodbye (a transfer cut short, a failed session). */
    void abort();
}
