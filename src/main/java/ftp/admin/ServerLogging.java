package ftp.admin;

import ftp.log.AsyncLogHandler;
import ftp.log.RotatingFile;
import ftp.server.ServerSettings;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * {@code log/ftpd.log}: the server's {@code java.util.logging} output, one line per event, through one
 * asynchronous writer ({@link AsyncLogHandler}, so no thread that logs ever waits for the disk) into a file
 * bounded by {@code log.max_size} and {@code log.keep}. The admin commands, which run in processes of their
 * own, append their line beside it ({@link #append}). Main thread.
 */
final class ServerLogging {
    static final String FILE_NAME = "ftpd.log";
    /** Records waiting for the writer at most; past that they are dropped and counted. */
    private static final int QUEUE = 8192;

    private ServerLogging() {}

    /** Sends every logger's output to {@code ftpd.log}; close the handler last, to write what is queued. */
    static AsyncLogHandler toFile(ServerSettings settings) throws IOException {
        Files.createDirectories(settings.logDir());
        AsyncLogHandler handler = new AsyncLogHandler(new RotatingFile(settings.logDir().resolve(FILE_NAME),
                settings.logMaxSize(), settings.logKeep()), new LogLineFormatter(ZoneId.systemDefault()), QUEUE);
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        return handler;
    }

    /**
     * Appends one line to {@code ftpd.log} from another process than the server's: one write in append mode,
     * so it lands whole between the server's lines, whether or not the server runs.
     */
    static void append(ServerSettings settings, Level level, String message) throws IOException {
        Files.createDirectories(settings.logDir());
        byte[] line = new LogLineFormatter(ZoneId.systemDefault()).format(new LogRecord(level, message))
                .getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = RotatingFile.openAppending(settings.logDir().resolve(FILE_NAME))) {
            out.write(line);
        }
    }
}
