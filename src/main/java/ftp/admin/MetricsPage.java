package ftp.admin;

import ftp.log.AsyncLogHandler;
import ftp.server.FtpServer;
import ftp.server.ServerEvents.Refusal;
import ftp.server.ServerMetrics;
import ftp.server.Session;
import ftp.server.SessionSummary;
import ftp.server.TransferLog.Direction;
import ftp.server.pool.WorkerPool;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The server's metrics in the Prometheus text format (version 0.0.4); the names are listed in the README.
 * Session counts come from a snapshot the selector thread takes; when it does not come within 2 s the
 * page goes out without them. Metrics thread.
 */
final class MetricsPage {
    private final FtpServer server;
    private final AsyncLogHandler log;

    MetricsPage(FtpServer server, AsyncLogHandler log) {
        this.server = server;
        this.log = log;
    }

    String render() {
        StringBuilder b = new StringBuilder(4096);
        ServerMetrics m = server.events().metrics();
        sessions(b);
        family(b, "ftpd_connections_total", "counter", "Control connections accepted.");
        sample(b, "ftpd_connections_total", "", m.connections());
        family(b, "ftpd_connections_refused_total", "counter", "Control connections refused at accept, by reason.");
        for (Refusal r : Refusal.values()) {
            sample(b, "ftpd_connections_refused_total", label("reason", name(r)), m.refusals(r));
        }
        family(b, "ftpd_logins_total", "counter", "Logins, by result.");
        sample(b, "ftpd_logins_total", label("result", "ok"), m.logins(true));
        sample(b, "ftpd_logins_total", label("result", "failed"), m.logins(false));
        family(b, "ftpd_bans_total", "counter", "Addresses banned for failed logins.");
        sample(b, "ftpd_bans_total", "", m.bans());
        family(b, "ftpd_banned_addresses", "gauge", "Addresses banned now.");
        sample(b, "ftpd_banned_addresses", "", server.throttle().bans().size());
        family(b, "ftpd_transfer_bytes_total", "counter", "Bytes of file transfers, by direction.");
        for (Direction d : Direction.values()) {
            sample(b, "ftpd_transfer_bytes_total", direction(d), m.bytes(d));
        }
        family(b, "ftpd_transfers_total", "counter", "File transfers, by direction and result.");
        for (Direction d : Direction.values()) {
            for (boolean complete : new boolean[] {true, false}) {
                sample(b, "ftpd_transfers_total", direction(d) + "," + label("result",
                        complete ? "complete" : "incomplete"), m.transfers(d, complete));
            }
        }
        family(b, "ftpd_quota_refusals_total", "counter", "Uploads refused with 552: over the user's quota.");
        sample(b, "ftpd_quota_refusals_total", "", m.quotaRefusals());
        family(b, "ftpd_quota_ledger_locks_total", "counter",
                "Locks taken on users' shared quota ledgers (about upload rate / quota.lease_size per user).");
        sample(b, "ftpd_quota_ledger_locks_total", "", m.ledgerLocks());
        pools(b);
        family(b, "ftpd_loop_iteration_seconds", "summary", "Time of the selector loop's passes, waiting not counted.");
        sample(b, "ftpd_loop_iteration_seconds_sum", "", m.loopNanos() / 1e9);
        sample(b, "ftpd_loop_iteration_seconds_count", "", m.loopPasses());
        family(b, "ftpd_loop_iteration_max_seconds", "gauge", "The longest pass since the previous scrape.");
        sample(b, "ftpd_loop_iteration_max_seconds", "", m.takeLoopMaxNanos() / 1e9);
        family(b, "ftpd_log_dropped_records_total", "counter", "Log records dropped because the log queue was full.");
        sample(b, "ftpd_log_dropped_records_total", "", log.dropped());
        return b.toString();
    }

    private void sessions(StringBuilder b) {
        List<SessionSummary> sessions;
        try {
            sessions = server.sessions().get(2, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Map<Session.State, Integer> byState = new EnumMap<>(Session.State.class);
        for (Session.State s : Session.State.values()) {
            byState.put(s, 0);
        }
        sessions.forEach(s -> byState.merge(s.state(), 1, Integer::sum));
        family(b, "ftpd_sessions", "gauge", "Control connections open now, by state.");
        byState.forEach((state, n) -> sample(b, "ftpd_sessions", label("state", name(state)), n));
    }

    private void pools(StringBuilder b) {
        Map<String, WorkerPool> pools = new TreeMap<>(server.pools());
        family(b, "ftpd_pool_threads", "gauge", "Threads alive in each worker pool now.");
        pools.forEach((name, p) -> sample(b, "ftpd_pool_threads", label("pool", name), p.threadCount()));
        family(b, "ftpd_pool_busy_threads", "gauge", "Threads running a task now.");
        pools.forEach((name, p) -> sample(b, "ftpd_pool_busy_threads", label("pool", name), p.busyThreads()));
        family(b, "ftpd_pool_queued_tasks", "gauge", "Tasks waiting in each pool's queue now.");
        pools.forEach((name, p) -> sample(b, "ftpd_pool_queued_tasks", label("pool", name), p.queued()));
        family(b, "ftpd_pool_rejected_total", "counter", "Tasks refused because the pool's queue was full.");
        pools.forEach((name, p) -> sample(b, "ftpd_pool_rejected_total", label("pool", name), p.rejected()));
    }

    private static void family(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder b, String name, String labels, double value) {
        b.append(name);
        if (!labels.isEmpty()) {
            b.append('{').append(labels).append('}');
        }
        b.append(' ');
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            b.append((long) value);
        } else {
            b.append(value);
        }
        b.append('\n');
    }

    private static String label(String name, String value) {
        return name + "=\"" + value + "\"";
    }

    private static String direction(Direction d) {
        return label("direction", d == Direction.INCOMING ? "in" : "out");
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
