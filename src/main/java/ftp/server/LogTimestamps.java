package ftp.server;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The time as log lines write it, formatted at most once per second: a busy server logs thousands of lines
 * a second, and a {@link DateTimeFormatter} costs more than the rest of a line. Thread-safe (lock-free:
 * two threads may both format a new second; either result is right).
 */
public final class LogTimestamps {
    private record Second(long epochSecond, String text) {}

    private final DateTimeFormatter format;
    private final ZoneId zone;
    private volatile Second last = new Second(Long.MIN_VALUE, "");

    /** {@code format} must not show fractions of a second. */
    public LogTimestamps(DateTimeFormatter format, ZoneId zone) {
        this.format = format;
        this.zone = zone;
    }

    /** The second of {@code epochMillis}, formatted. */
    public String secondOf(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        Second s = last;
        if (s.epochSecond() != second) {
            s = new Second(second, format.format(Instant.ofEpochSecond(second).atZone(zone)));
            last = s;
        }
        return s.text();
    }
}
