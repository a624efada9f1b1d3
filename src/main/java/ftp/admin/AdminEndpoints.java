package ftp.admin;

import ftp.server.FtpServer;
import ftp.server.ServerSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;

/**
 * How the admin reaches a running server besides FTP: the admin channel ({@code run/ftpd.sock}, for
 * {@code who} and {@code ban}). Started after the server and closed before it, by the main thread and the
 * shutdown hook.
 */
final class AdminEndpoints implements AutoCloseable {
    private final AdminChannel channel;

    private AdminEndpoints(AdminChannel channel) {
        this.channel = channel;
    }

    /** The admin channel's socket for {@code settings}: beside the pid file. */
    static Path socket(ServerSettings settings) {
        return settings.pidFile().resolveSibling(AdminChannel.FILE_NAME);
    }

    static AdminEndpoints start(FtpServer server, ServerSettings settings) throws IOException {
        return new AdminEndpoints(AdminChannel.open(socket(settings),
                new AdminRequests(server, ZoneId.systemDefault())));
    }

    @Override
    public void close() {
        channel.close();
    }
}
