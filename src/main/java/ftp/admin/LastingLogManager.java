package ftp.admin;

import java.util.logging.LogManager;

/**
 * The JDK's log manager closes every handler in its own shutdown hook, racing the server's graceful stop,
 * so the last lines ("ftpd stopped") would be lost. This one keeps handlers open until the JVM is gone.
 * Installed by {@link FtpdMain} before any logger exists.
 */
public final class LastingLogManager extends LogManager {
    @Override
    public void reset() {
        // keep handlers: the server's own shutdown hook still logs
    }
}
