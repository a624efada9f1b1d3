package ftp.server;

import ftp.server.data.ActiveRoute;
import ftp.server.data.DataHandshake;
import ftp.server.data.PassiveRoute;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * What the selector loop offers a session, so that the session never holds the loop itself: running tasks on
 * the loop, registering with its selector, the admission questions at login, and forgetting a closed session.
 * {@link #post} from any thread; everything else on the selector thread.
 */
interface SessionServices {
    /** Any thread: run {@code task} on the selector thread soon. */
    void post(Runnable task);

    /** Run {@code task} on the selector thread after {@code delay}. */
    void schedule(Duration delay, Runnable task);

    CommandTable commands();

    /** True once the server is stopping: sessions answer 421 and close after their command. */
    boolean stopping();

    /** A passive port bound to {@code bind}, or null if the range has none free. */
    ServerSocketChannel openPassivePort(InetAddress bind) throws IOException;

    /** Accepts {@code route}'s data connection on the selector. */
    void register(PassiveRoute route) throws IOException;

    /** Starts an active data connect; the selector reports its end to the route. */
    void connect(ActiveRoute route);

    /** Null when {@code s} may log in, else why not ({@code clients.max}, {@code clients.max_per_ip}). */
    String loginRefusal(Session s);

    /** {@code s} logged in (after {@link #loginRefusal} said yes). */
    void loggedIn(Session s);

    /** {@code s} closed: its slots are free. */
    void forget(Session s);

    /** TLS under {@code s}'s control connection; its handshake tasks run on the TLS task pool. */
    ControlIo tlsFor(Session s, SocketChannel channel);

    /**
     * A data connection's TLS handshake, run by the loop once {@link DataHandshake#start started}, under the
     * control session's private {@code context}; {@code ending} runs on the loop.
     */
    DataHandshake dataHandshake(SocketChannel channel, SSLContext context, DataHandshake.Ending ending);

    /** Reads {@code s} on the next pass, for input no read event will announce. */
    void readSoon(Session s);
}
