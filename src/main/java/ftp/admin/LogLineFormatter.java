package ftp.admin;

import ftp.log.LogField;
import ftp.server.LogTimestamps;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One {@code log/ftpd.log} line per record: {@code yyyy-MM-dd HH:mm:ss.SSS NODE LEVEL message}, with the
 * exception after {@code " | "}, in the zone it is given. The node name ({@code node.name}) comes where syslog
 * puts the host, so the logs of several nodes can be merged and still be told apart. Whatever the message holds, it stays one line: line breaks and
 * other unsafe characters are escaped ({@link LogField#line}). Thread-safe: any thread that logs may call it.
 */
final class LogLineFormatter extends Formatter {
    private final LogTimestamps seconds;
    private final String node;

    /** {@code node} is a validated {@code node.name}: a token with nothing to escape. */
    LogLineFormatter(ZoneId zone, String node) {
        this.node = node;
        this.seconds = new LogTimestamps(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT), zone);
    }

    @Override
    public String format(LogRecord r) {
        long millis = r.getMillis();
        int fraction = (int) Math.floorMod(millis, 1000L);
        StringBuilder b = new StringBuilder(128).append(seconds.secondOf(millis))
                .append(fraction < 100 ? (fraction < 10 ? ".00" : ".0") : ".").append(fraction)
                .append(' ').append(node).append(' ').append(r.getLevel().getName()).append(' ').append(LogField.line(formatMessage(r)));
        if (r.getThrown() != null) {
            b.append(" | ").append(LogField.line(r.getThrown().toString()));
        }
        return b.append(System.lineSeparator()).toString();
    }
}
