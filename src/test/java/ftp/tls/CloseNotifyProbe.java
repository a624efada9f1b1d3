package ftp.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * A blocking server-side engine loop for tests that must tell a {@code close_notify} from a bare end of stream,
 * which a JDK {@code SSLSocket} hides (it reports both as -1 unless {@code com.sun.net.ssl.requireCloseNotify}).
 */
final class CloseNotifyProbe {
    private CloseNotifyProbe() {}

    /** Serves one connection, reads all application data; true if it ended with close_notify. */
    static boolean endsWithCloseNotify(SSLContext context, Socket plain) throws IOException {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        InputStream in = plain.getInputStream();
        OutputStream out = plain.getOutputStream();
        ByteBuffer netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        ByteBuffer netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.beginHandshake();
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK) {
                engine.getDelegatedTask().run();
            } else if (status == HandshakeStatus.NEED_WRAP) {
                netOut.clear();
                engine.wrap(ByteBuffer.allocate(0), netOut);
                out.write(netOut.array(), 0, netOut.position());
            } else {
                netIn.flip();
                app.clear();
                SSLEngineResult result = engine.unwrap(netIn, app);
                netIn.compact();
                if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                    return true;
                }
                if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || result.bytesConsumed() == 0) {
                    int n = in.read(netIn.array(), netIn.position(), netIn.remaining());
                    if (n < 0) {
                        return false;
                    }
                    netIn.position(netIn.position() + n);
                }
            }
        }
    }
}
