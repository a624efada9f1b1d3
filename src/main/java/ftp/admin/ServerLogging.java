package ftp.admin;

import ftp.server.LogFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Sends the server's {@code java.util.logging} output to {@code log/ftpd.log}, one line per event, and to
 * standard output as well (for {@code bin/ftpd run} under a service manager or in a container, which collect
 * standard output; a detached {@code start} discards it). Called once at start by the main thread.
 */
final class ServerLogging {
    private ServerLogging() {}

    static void toFileAndStandardOutput(Path logDir) throws IOException {
        LogLineFormatter format = new LogLineFormatter(ZoneId.systemDefault());
        FileHandler file = new FileHandler(LogFiles.createIfMissing(logDir.resolve("ftpd.log")).toString(), true);
        file.setFormatter(format);
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        root.addHandler(file);
        root.addHandler(new StreamHandler(System.out, format) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush(); // a reader of the stream sees each line as it happens
            }
        });
        root.setLevel(Level.INFO);
    }
}
