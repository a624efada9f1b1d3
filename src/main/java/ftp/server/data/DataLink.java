package ftp.server.data;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * How a transfer reaches the client's data port: an accepted passive connection or an active connect.
 * Handed from the selector thread to one worker, which calls {@link #open} once. Thread-safe.
 */
public interface DataLink extends Closeable {
    /** Blocks until the data connection is up; a blocking-mode channel. */
    SocketChannel open(Duration timeout) throws IOException;

    /** Releases the listener or pending connection without using it. Idempotent. */
    @Override
    void close();
}
