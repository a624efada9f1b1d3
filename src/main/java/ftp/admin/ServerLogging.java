package ftp.admin;

import ftp.log.AsyncLogHandler;
import ftp.log.RotatingFile;
import ftp.server.ServerSettings;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * {@code log/ftpd.log}: the server's {@code java.util.logging} output, one line per event, through one
 * asynchronous writer ({@link AsyncLogHandler}, so no thread that logs ever waits for the disk or for a reader)
 * into a file bounded by {@code log.max_size} and {@code log.keep}, and to standard output as well (for
 * {@code bin/ftpd run} under a service manager or in a container, which collect standard output; a detached
 * {@code start} discards it). The admin commands, which run in processes of their own, append their line
 * beside it ({@link #append}). Main thread.
 */
final class ServerLogging {
    static final String FILE_NAME = "ftpd.log";
    /** Records waiting for the writer at most; past that they are dropped and counted. */
    private static final int QUEUE = 8192;

    private ServerLogging() {}

    /** Sends every logger's output there; close the handler last, to write what is queued. */
    static AsyncLogHandler toFileAndStandardOutput(ServerSettings settings) throws IOException {
        AsyncLogHandler handler = new AsyncLogHandler(new RotatingFile(settings.logDir().resolve(FILE_NAME),
                settings.logMaxSize(), settings.logKeep()), System.out, new LogLineFormatter(ZoneId.systemDefault(),
                settings.nodeName()),
                QUEUE);
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
        byte[] line = new LogLineFormatter(ZoneId.systemDefault(), settings.nodeName()).format(new LogRecord(level, message))
                .getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = RotatingFile.openAppending(settings.logDir().resolve(FILE_NAME))) {
            out.write(line);
        }
    }
}
