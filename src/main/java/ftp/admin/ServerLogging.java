package ftp.admin;

import ftp.server.LogTimestamps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends the server's {@code java.util.logging} output to {@code log/ftpd.log}, one line per event. Called
 * once at start by the main thread.
 */
final class ServerLogging {
    private static final LogTimestamps TIME = new LogTimestamps(
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT), ZoneId.systemDefault());

    private ServerLogging() {}

    static void toFile(Path logDir) throws IOException {
        Files.createDirectories(logDir);
        FileHandler handler = new FileHandler(logDir.resolve("ftpd.log").toString(), true);
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                long millis = r.getMillis();
                int fraction = (int) Math.floorMod(millis, 1000L);
                StringBuilder b = new StringBuilder(128).append(TIME.secondOf(millis))
                        .append(fraction < 100 ? (fraction < 10 ? ".00" : ".0") : ".").append(fraction)
                        .append(' ').append(r.getLevel().getName()).append(' ').append(formatMessage(r));
                if (r.getThrown() != null) {
                    b.append(" | ").append(r.getThrown());
                }
                return b.append(System.lineSeparator()).toString();
            }
        });
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(handler);
        root.setLevel(Level.INFO);
    }
}
