package ftp.admin;

import ftp.log.AsyncLogHandler;
import ftp.server.FtpServer;
import ftp.server.ServerSettings;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * How the admin reaches a running server besides FTP: the admin channel ({@code run/ftpd.sock}, for
 * {@code who} and {@code ban}) and, when {@code metrics.listen} is set, the metrics endpoint. Started after
 * the server and closed before it, by the main thread and the shutdown hook.
 */
final class AdminEndpoints implements AutoCloseable {
    private final AdminChannel channel;
    private final MetricsEndpoint metrics; // null when metrics.listen is unset

    private AdminEndpoints(AdminChannel channel, MetricsEndpoint metrics) {
        this.channel = channel;
        this.metrics = metrics;
    }

    /** The admin channel's socket for {@code settings}: beside the pid file. */
    static Path socket(ServerSettings settings) {
        return settings.pidFile().resolveSibling(AdminChannel.FILE_NAME);
    }

    static AdminEndpoints start(FtpServer server, ServerSettings settings, AsyncLogHandler log) throws IOException {
        AdminChannel channel = AdminChannel.open(socket(settings), new AdminRequests(server, ZoneId.systemDefault()));
        try {
            MetricsEndpoint metrics = settings.metricsListen().isEmpty() ? null
                    : MetricsEndpoint.start(settings.metricsListen().get(), new MetricsPage(server, log));
            return new AdminEndpoints(channel, metrics);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Serves the admin channel on the calling thread; see {@link AdminChannel#serve}. */
    void serveAdmin(Duration period, Runnable tick, BooleanSupplier stop) {
        channel.serve(period, tick, stop);
    }

    Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(metrics).map(MetricsEndpoint::address);
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
        channel.close();
    }
}
