package ftp.tls;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * The buffer handling both TLS drivers share, {@link TlsChannel} on the loop and {@link TlsStream} on a worker.
 * Buffers are kept in fill mode: position = bytes held. Stateless; any thread.
 */
final class TlsBuffers {
    private TlsBuffers() {}

    /** Unwraps from what {@code netIn} holds into {@code appIn}; {@code netIn} keeps what the engine left. */
    static SSLEngineResult unwrap(SSLEngine engine, ByteBuffer netIn, ByteBuffer appIn) throws SSLException {
        netIn.flip();
        try {
            return engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
    }

    /**
     * A copy of {@code buffer} with room for at least {@code atLeast} bytes (twice its size if that is more), but
     * never more than {@code limit}: a peer cannot make it grow without bound.
     */
    static ByteBuffer grown(ByteBuffer buffer, int atLeast, int limit, String what) throws SSLException {
        int size = Math.min(Math.max(atLeast, buffer.capacity() * 2), limit);
        if (atLeast > limit || size <= buffer.capacity()) {
            throw new SSLException(what + " buffer would exceed " + limit + " bytes");
        }
        ByteBuffer bigger = ByteBuffer.allocate(size);
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }
}
