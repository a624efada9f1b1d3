package ftp.server;

import ftp.log.AddressLogLimit;
import ftp.log.LogField;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.logging.Level;

/**
 * What happens to connections and sessions, told once: each event becomes a line of {@code ftpd.log} and a
 * count in {@link ServerMetrics}. Lines about one client address (connect, refusal, login, displacement,
 * end) pass through an {@link AddressLogLimit}, so a client in a loop cannot flood the log; a ban always gets
 * its line. Every value a client chose is written through {@link LogField#quote}. Logging only queues (see
 * the server's log handler), so the selector thread may call any of these. Thread-safe.
 */
public final class ServerEvents {
    /** Why a control connection was turned away at accept. */
    public enum Refusal { CLIENTS_MAX, PER_ADDRESS, BANNED, PROXY_HEADER }

    private final ServerMetrics metrics;
    private final AddressLogLimit limit;

    public ServerEvents(ServerMetrics metrics, AddressLogLimit limit) {
        this.metrics = metrics;
        this.limit = limit;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    void connected(Session s) {
        metrics.connected();
        log(s.peerAddress(), Level.INFO, () -> "connect from=" + address(s.peerAddress()) + " session=" + s.id());
    }

    /** A connection turned away before it became a session; {@code detail} says by which limit. */
    void refused(InetAddress from, Refusal why, String detail) {
        metrics.refused(why);
        log(from, Level.WARNING, () -> "refused from=" + address(from) + " reason="
                + why.name().toLowerCase(Locale.ROOT) + " " + detail);
    }

    void loginOk(Session s) {
        metrics.login(true);
        log(s.peerAddress(), Level.INFO, () -> "login ok user=" + LogField.quote(s.user().name()) + " from="
                + address(s.peerAddress()) + " session=" + s.id());
    }

    /** The password was right but {@code clients.max} or {@code clients.max_per_ip} is reached. */
    void loginRefused(Session s, String user, String why) {
        log(s.peerAddress(), Level.INFO, () -> "login refused user=" + LogField.quote(user) + " from="
                + address(s.peerAddress()) + " session=" + s.id() + ": " + why);
    }

    /** A connection not logged in made room for a newer one ({@code clients.max_unauthenticated}). */
    void displaced(Session s) {
        log(s.peerAddress(), Level.INFO, () -> "displaced session=" + s.id() + " from=" + address(s.peerAddress())
                + ": too many connections not logged in");
    }

    void loginFailed(Session s) {
        metrics.login(false);
        log(s.peerAddress(), Level.WARNING, () -> "login failed user=" + LogField.quote(s.pendingUser()) + " from="
                + address(s.peerAddress()) + " session=" + s.id());
    }

    /** Selector thread: a data connection to a passive port from another address than the session's. */
    public void strangerRefused(InetAddress from, int port, InetAddress expected) {
        log(from, Level.WARNING, () -> "data connection refused from=" + address(from) + " port=" + port
                + " expected=" + address(expected));
    }

    /** Failed logins from {@code from} reached {@code auth.max_failures}: it is banned for {@code length}. */
    public void banned(InetAddress from, Duration length) {
        metrics.banned();
        ServerContext.LOG.warning(() -> "ban from=" + address(from) + " for=" + length.toSeconds() + "s");
    }

    /** A session closed; {@code why} is the first reason given for closing it. */
    void sessionEnded(Session s, String why, Duration lasted) {
        UserContext user = s.user();
        SessionTraffic traffic = user == null ? new SessionTraffic() : user.traffic();
        log(s.peerAddress(), Level.INFO, () -> "end session=" + s.id() + " user="
                + LogField.quote(user == null ? null : user.name()) + " from=" + address(s.peerAddress())
                + " duration=" + String.format(Locale.ROOT, "%.1fs", lasted.toMillis() / 1000.0)
                + " in=" + traffic.in() + " out=" + traffic.out() + " reason=" + reasonOf(why)
                + " detail=" + LogField.quote(why));
    }

    /** An upload refused with 552: it would pass the user's quota. */
    public void quotaRefused(SessionView v, String path, String detail) {
        metrics.quotaRefused();
        ServerContext.LOG.info(() -> "quota refused user=" + LogField.quote(v.user().name()) + " from="
                + address(v.peer()) + " path=" + LogField.quote(path) + " " + detail);
    }

    /** Selector thread, once a second: the summaries of address windows that are over. */
    void sweep() {
        limit.sweep();
    }

    /** The server stops: the summaries of every address window, so no count is lost. */
    void flush() {
        limit.flush();
    }

    private void log(InetAddress from, Level level, Supplier<String> line) {
        if (ServerContext.LOG.isLoggable(level) && limit.allow(from)) {
            ServerContext.LOG.log(level, line);
        }
    }

    /**
     * quit (the client said QUIT or closed the connection), timeout (idle, login, waiting room, or a last reply
     * the client never read), error (a failed read, write, TLS set-up or a bug), or kicked: the server ended it
     * (stop, ban, refused login, over-long line, displaced, account deleted...).
     */
    static String reasonOf(String why) {
        if (why == null) {
            return "error";
        }
        if (why.startsWith("quit") || why.equals("client closed the connection")) {
            return "quit";
        }
        if (why.contains("timeout") || why.startsWith("last reply not taken")) {
            return "timeout";
        }
        if (why.startsWith("read failed") || why.startsWith("write failed") || why.startsWith("TLS setup failed")
                || why.equals("internal error")) {
            return "error";
        }
        return "kicked";
    }

    private static String address(InetAddress a) {
        return LogField.quote(a.getHostAddress());
    }
}
