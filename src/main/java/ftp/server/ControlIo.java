package ftp.server;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The byte pipe under one control connection: plain or TLS. Non-blocking; selector thread only.
 */
public interface ControlIo {
    /** Reads available bytes into {@code dst}; -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Queues bytes for sending; they leave on {@link #flush()}. */
    void write(ByteBuffer src) throws IOException;

    /** Sends what is queued; true when nothing is left. */
    boolean flush() throws IOException;

    boolean hasPendingOutput();

    /** True when bytes already taken from the socket may still yield input without a new read event. */
    boolean hasBufferedInput();

    /** True while reading must wait (a TLS handshake task runs off the loop); the loop drops OP_READ meanwhile. */
    default boolean readBlocked() {
        return false;
    }

    /** True once replies can be sent (after the TLS handshake, for implicit FTPS). */
    default boolean ready() {
        return true;
    }

    void close();
}
