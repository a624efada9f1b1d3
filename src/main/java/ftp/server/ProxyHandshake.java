package ftp.server;

import ftp.server.proxy.MalformedProxyHeaderException;
import ftp.server.proxy.ProxyHeader;
import ftp.server.proxy.ProxyHeaderParser;
import ftp.server.proxy.ProxyProtocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A connection from a load balancer whose PROXY header has not fully arrived: no session yet, no greeting,
 * nothing counted against any address. Reads only as many bytes as the header still needs, so the client's
 * first bytes after it (a command, a TLS ClientHello) stay in the socket for the session. Owned by the
 * selector thread.
 */
final class ProxyHandshake {
    /** What becomes of the connection after a read. */
    enum Progress { WAITING, DONE, FAILED }

    private final SocketChannel channel;
    private final ServerSocketChannel listener;
    private final InetSocketAddress balancer;
    private final ProxyHeaderParser parser;
    private final long deadlineNanos;
    private boolean anyByte;
    private String failure;

    ProxyHandshake(SocketChannel channel, ServerSocketChannel listener, InetSocketAddress balancer,
                   ProxyProtocol protocol, long deadlineNanos) {
        this.channel = channel;
        this.listener = listener;
        this.balancer = balancer;
        this.parser = new ProxyHeaderParser(protocol);
        this.deadlineNanos = deadlineNanos;
    }

    SocketChannel channel() {
        return channel;
    }

    ServerSocketChannel listener() {
        return listener;
    }

    InetSocketAddress balancer() {
        return balancer;
    }

    /** The header, once {@link #read} said {@link Progress#DONE}. */
    ProxyHeader header() {
        return parser.result();
    }

    /** Why it failed, once {@link #read} said {@link Progress#FAILED} (no client byte in it). */
    String failure() {
        return failure;
    }

    /**
     * True when the balancer closed without sending a byte: a plain TCP health check, not worth a log line.
     * Meaningful once {@link #read} said {@link Progress#FAILED}.
     */
    boolean silentClose() {
        return !anyByte && failure.equals("closed before the PROXY header");
    }

    boolean expired(long nowNanos) {
        return nowNanos - deadlineNanos > 0;
    }

    /** Reads what the socket holds of the header, never past its end; {@code scratch} is the loop's buffer. */
    Progress read(ByteBuffer scratch) {
        try {
            while (true) {
                scratch.clear();
                scratch.limit(Math.min(scratch.capacity(), parser.wanted()));
                int n = channel.read(scratch);
                if (n < 0) {
                    failure = "closed before the PROXY header";
                    return Progress.FAILED;
                }
                if (n == 0) {
                    return Progress.WAITING;
                }
                anyByte = true;
                scratch.flip();
                if (parser.feed(scratch) != null) {
                    return Progress.DONE;
                }
            }
        } catch (MalformedProxyHeaderException e) {
            failure = e.getMessage();
        } catch (IOException e) {
            failure = "read failed: " + e.getMessage();
        }
        return Progress.FAILED;
    }
}
