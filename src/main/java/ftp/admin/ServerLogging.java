package ftp.admin;

import ftp.server.LogFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends the server's {@code java.util.logging} output to {@code log/ftpd.log}, one line per event. Called
 * once at start by the main thread.
 */
final class ServerLogging {
    private ServerLogging() {}

    static void toFile(Path logDir) throws IOException {
        FileHandler handler = new FileHandler(LogFiles.createIfMissing(logDir.resolve("ftpd.log")).toString(), true);
        handler.setFormatter(new LogLineFormatter(ZoneId.systemDefault()));
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(handler);
        root.setLevel(Level.INFO);
    }
}
