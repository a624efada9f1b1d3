package ftp.server.data;

import ftp.server.ServerEvents;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The data route of PASV/EPSV: one listener. The selector thread accepts on it: a connection from any address other than the
 * control connection's peer is closed at once (no data theft), and the first right one closes the listener,
 * so it serves exactly one connection. A transfer command that arrives before the connection waits for it on the
 * selector thread ({@link #whenConnected}). Owned by the selector thread; handed to one worker with the command.
 */
public final class PassiveRoute extends DataRoute {
    private final ServerSocketChannel server;
    private final InetAddress expectedPeer;
    private final ServerEvents events;

    public PassiveRoute(ServerSocketChannel server, InetAddress expectedPeer, Duration timeout,
                           ServerEvents events) {
        super(timeout);
        this.server = server;
        this.expectedPeer = expectedPeer;
        this.events = events;
    }

    public ServerSocketChannel channel() {
        return server;
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    /** Selector thread: takes pending connections, refusing strangers. */
    public void onAcceptable() {
        try {
            SocketChannel ch;
            while ((ch = server.accept()) != null) {
                InetAddress from = ((InetSocketAddress) ch.getRemoteAddress()).getAddress();
                if (!from.equals(expectedPeer) || !pending()) {
                    events.strangerRefused(from, port(), expectedPeer);
                    ch.close();
                    continue;
                }
                ch.configureBlocking(true);
                server.close();
                established(ch);
                return;
            }
        } catch (IOException e) {
            failed(e);
        }
    }

    /** Selector thread: true while nothing has been accepted, so a repeated PASV may hand out this port again. */
    public boolean unused() {
        return pending() && server.isOpen();
    }

    @Override
    protected void stopWaiting() {
        closeQuietly(server);
    }
}
