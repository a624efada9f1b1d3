package ftp.server;

import ftp.server.data.DataHandshake;
import ftp.server.data.DataRoute;
import ftp.server.data.PassiveRoute;
import ftp.tls.DataTls;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;

/**
 * One session's data connection set-up: the route its next transfer will use (a PASV/EPSV listener or a
 * PORT/EPRT target), then, for a transfer command, the wait for that route's connection and, under PROT P, for
 * the connection's TLS handshake. No thread waits: the selector reports the connection or the handshake's end,
 * the loop's sweep the data timeout, and the session stays busy meanwhile. Each wait ends once, through the
 * {@code Consumer<Reply>} it was given: null when it succeeded, else the reply that says why not.
 * Selector thread only.
 */
final class DataSetup {
    private final SessionServices loop;
    private final ServerContext server;
    private final InetAddress peer;
    private final String sessionId;

    private PassiveRoute passive;
    private DataRoute route; // what the next transfer command uses
    private DataRoute awaitedRoute; // a transfer command waits for this route's connection
    private Consumer<Reply> afterConnection;
    private DataHandshake handshake; // under PROT P, after the 150: the data connection's TLS handshake
    private long handshakeDeadline;
    private Consumer<Reply> afterHandshake;

    DataSetup(SessionServices loop, ServerContext server, InetAddress peer, String sessionId) {
        this.loop = loop;
        this.server = server;
        this.peer = peer;
        this.sessionId = sessionId;
    }

    // ---------------------------------------------------------------- the route for the next transfer

    /** The PASV/EPSV listener: an unused one is kept, else a new one on {@code bind} replaces it; null if none free. */
    PassiveRoute openPassive(InetAddress bind) throws IOException {
        if (passive != null && route == passive && passive.unused()) {
            // Keep it: a closed listener holds its port until the selector's next pass, so 2000 PASV in one
            // burst would otherwise take the whole passive range.
            passive.renew(server.settings().dataTimeout());
            return passive;
        }
        closeRoute();
        ServerSocketChannel ch = loop.openPassivePort(bind);
        if (ch == null) {
            return null;
        }
        PassiveRoute listener = new PassiveRoute(ch, peer, server.settings().dataTimeout(), server.events());
        loop.register(listener);
        route = listener;
        passive = listener;
        return listener;
    }

    /** Replaces the route (a new PASV closes the previous listener: one per session). */
    void use(DataRoute next, PassiveRoute listener) {
        closeRoute();
        route = next;
        passive = listener;
    }

    boolean hasRoute() {
        return route != null;
    }

    /** The route, now the transfer's to close; the set-up forgets it. */
    DataRoute takeRoute() {
        DataRoute taken = route;
        route = null;
        passive = null;
        return taken;
    }

    /** Closes the route; whoever connected to it meanwhile gets nothing and keeps nothing open. */
    void closeRoute() {
        if (route != null) {
            route.close();
        }
        route = null;
        passive = null;
    }

    // ---------------------------------------------------------------- waits of a transfer command

    /** True while a transfer command waits for its data connection or for that connection's TLS handshake. */
    boolean waiting() {
        return awaitedRoute != null || handshake != null;
    }

    /**
     * Waits for {@code awaited}'s connection (the client connecting to the passive port, or the active connect
     * completing); {@code then} runs once, with null when it is up, else with the reply that ended the wait (the
     * route is closed then).
     */
    void awaitConnection(DataRoute awaited, Consumer<Reply> then) {
        awaitedRoute = awaited;
        afterConnection = then;
        awaited.whenConnected(() -> {
            if (awaitedRoute != awaited) {
                return;
            }
            awaitedRoute = null;
            Consumer<Reply> next = afterConnection;
            afterConnection = null;
            next.accept(null);
        });
    }

    /**
     * Runs the TLS handshake of {@code secured}'s connection, under the control connection's private
     * {@code context}, then checks that the client resumed the control connection's TLS session
     * ({@code controlSession}; the defence against data-connection theft: a thief who reached the passive port
     * first cannot). {@code then} runs once: null when the route carries its {@code TlsStream}, else the refusal.
     */
    void awaitHandshake(DataRoute secured, SSLContext context, SSLSession controlSession, Consumer<Reply> then) {
        if (context == null) {
            then.accept(new Reply(425, "TLS handshake on the data connection failed."));
            return;
        }
        afterHandshake = then;
        handshakeDeadline = System.nanoTime() + server.settings().dataTimeout().toNanos();
        handshake = loop.dataHandshake(secured.connection(), context, (done, failure) -> {
            if (handshake == null) {
                return; // cut short meanwhile
            }
            handshake = null;
            if (failure != null) {
                ServerContext.LOG.fine(() -> "session=" + sessionId + " data TLS handshake failed: " + failure);
                endHandshake(new Reply(425, "TLS handshake on the data connection failed."));
            } else if (server.settings().tlsRequireSessionReuse() && !DataTls.resumes(done.session(), controlSession)) {
                ServerContext.LOG.warning("data connection did not resume the control TLS session; refused (from="
                        + peer.getHostAddress() + ")");
                done.refuse();
                // Said to every client alike: what its user can change, and what the server's admin can.
                endHandshake(new Reply(522, "Data connection refused: resume the control connection's TLS"
                        + " session on data connections. Clients that cannot should use TLS 1.2 with session"
                        + " resumption, or ask the admin to set tls.require_session_reuse=false."));
            } else {
                try {
                    secured.secured(done.stream());
                    endHandshake(null);
                } catch (IOException e) {
                    done.refuse();
                    endHandshake(new Reply(425, "TLS handshake on the data connection failed."));
                }
            }
        });
        handshake.start();
    }

    /** Ends whichever wait runs (ABOR, QUIT) with {@code reply}. */
    void cutShort(Reply reply) {
        if (awaitedRoute != null) {
            endConnectionWait(reply);
        }
        if (handshake != null) {
            endHandshake(reply);
        }
    }

    /**
     * The loop's sweep: an unused passive listener past the data timeout closes, and so does a wait past it.
     * True when a wait ended.
     */
    boolean checkTimeouts(long nowNanos) {
        if (passive != null && passive.expired(nowNanos)) {
            closeRoute();
        }
        long seconds = server.settings().dataTimeout().toSeconds();
        if (awaitedRoute != null && awaitedRoute.expired(nowNanos)) {
            endConnectionWait(new Reply(425, "No data connection within " + seconds + " s."));
            return true;
        }
        if (handshake != null && nowNanos - handshakeDeadline > 0) {
            endHandshake(new Reply(425, "No TLS handshake on the data connection within " + seconds + " s."));
            return true;
        }
        return false;
    }

    /**
     * The session closed: the wait for a connection ends without an answer, a handshake's with 426 (so the
     * command's rest releases what it holds), and the route closes.
     */
    void release() {
        if (awaitedRoute != null) {
            awaitedRoute.whenConnected(null);
            awaitedRoute.close();
            awaitedRoute = null;
            afterConnection = null;
        }
        if (handshake != null) {
            endHandshake(new Reply(426, "Connection closed; transfer aborted."));
        }
        closeRoute();
    }

    private void endConnectionWait(Reply reply) {
        DataRoute awaited = awaitedRoute;
        awaitedRoute = null;
        awaited.whenConnected(null);
        awaited.close();
        Consumer<Reply> next = afterConnection;
        afterConnection = null;
        next.accept(reply);
    }

    private void endHandshake(Reply refusal) {
        if (handshake != null) {
            handshake.cancel(); // cut short: closes the connection
            handshake = null;
        }
        Consumer<Reply> next = afterHandshake;
        afterHandshake = null;
        next.accept(refusal);
    }
}
