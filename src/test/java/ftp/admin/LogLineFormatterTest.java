package ftp.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ftpd.log lines for records of fixed instants: the dates that are easy to get wrong, and the milliseconds' zeros. */
class LogLineFormatterTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static String line(LogLineFormatter formatter, LogRecord r) {
        String line = formatter.format(r);
        assertThat(line).endsWith(System.lineSeparator());
        return line.substring(0, line.length() - System.lineSeparator().length());
    }

    /** The lines of INFO records "m" at each instant in turn, through one formatter in {@code zone}. */
    private static List<String> linesAt(ZoneId zone, String... instants) {
        LogLineFormatter formatter = new LogLineFormatter(zone, "node-a");
        return Stream.of(instants).map(instant -> {
            LogRecord r = new LogRecord(Level.INFO, "m");
            r.setInstant(Instant.parse(instant));
            return line(formatter, r);
        }).toList();
    }

    @ParameterizedTest
    @CsvSource({
        "2026-12-01T10:00:00.007Z, 2026-12-01 10:00:00.007 node-a INFO m",
        "2026-12-09T08:05:03.070Z, 2026-12-09 08:05:03.070 node-a INFO m",
        "2026-12-10T23:59:59.700Z, 2026-12-10 23:59:59.700 node-a INFO m",
        "2026-12-31T12:00:00Z,     2026-12-31 12:00:00.000 node-a INFO m",
        "2028-02-29T12:34:56.999Z, 2028-02-29 12:34:56.999 node-a INFO m",
        "1969-12-31T23:59:59.993Z, 1969-12-31 23:59:59.993 node-a INFO m",
    })
    void linesStartWithTheDateAndTheMillisecondsPaddedWithZeros(String instant, String line) {
        assertThat(linesAt(ZoneOffset.UTC, instant)).containsExactly(line);
    }

    @Test
    void theYearChangesAtMidnightInTheGivenZone() {
        assertThat(linesAt(ZoneOffset.UTC, "2026-12-31T23:59:59.999Z", "2027-01-01T00:00:00Z"))
                .containsExactly("2026-12-31 23:59:59.999 node-a INFO m", "2027-01-01 00:00:00.000 node-a INFO m");
        // Berlin is an hour ahead of UTC in winter, so its new year comes at 23:00 UTC.
        assertThat(linesAt(BERLIN, "2026-12-31T22:59:59.999Z", "2026-12-31T23:00:00.001Z"))
                .containsExactly("2026-12-31 23:59:59.999 node-a INFO m", "2027-01-01 00:00:00.001 node-a INFO m");
    }

    @Test
    void summerTimeSkipsAnHourAndWinterTimeRepeatsOne() {
        // 2026-03-29 in Berlin: at 01:00 UTC the clocks go from 02:00 CET to 03:00 CEST.
        assertThat(linesAt(BERLIN, "2026-03-29T00:59:59.999Z", "2026-03-29T01:00:00Z"))
                .containsExactly("2026-03-29 01:59:59.999 node-a INFO m", "2026-03-29 03:00:00.000 node-a INFO m");
        // 2026-10-25: at 01:00 UTC they go back from 03:00 CEST to 02:00 CET, so 02:30 comes twice, an hour apart.
        assertThat(linesAt(BERLIN, "2026-10-25T00:30:00.070Z", "2026-10-25T00:59:59.999Z", "2026-10-25T01:00:00Z",
                "2026-10-25T01:30:00.070Z"))
                .containsExactly("2026-10-25 02:30:00.070 node-a INFO m", "2026-10-25 02:59:59.999 node-a INFO m",
                        "2026-10-25 02:00:00.000 node-a INFO m", "2026-10-25 02:30:00.070 node-a INFO m");
    }

    @Test
    void aRecordIsOneLineWhateverItsMessageAndExceptionHold() {
        LogRecord r = new LogRecord(Level.WARNING, "upload of /a\nFORGED line\u2028 failed");
        r.setThrown(new IOException("/a\r\n2026-12-04 00:00:00.000 INFO forged"));
        r.setInstant(Instant.parse("2026-12-04T14:51:02.5Z"));
        assertThat(line(new LogLineFormatter(ZoneOffset.UTC, "node-a"), r)).isEqualTo("2026-12-04 14:51:02.500 node-a WARNING "
                + "upload of /a\\x0aFORGED line\\u2028 failed"
                + " | java.io.IOException: /a\\x0d\\x0a2026-12-04 00:00:00.000 INFO forged");
    }

    @Test
    void theMessageGetsItsParametersAndTheExceptionFollows() {
        LogRecord r = new LogRecord(Level.WARNING, "cannot write {0}");
        r.setParameters(new Object[] {"xferlog"});
        r.setThrown(new IOException("disk full"));
        r.setInstant(Instant.parse("2026-12-04T14:51:02.5Z"));
        assertThat(line(new LogLineFormatter(ZoneOffset.UTC, "node-a"), r))
                .isEqualTo("2026-12-04 14:51:02.500 node-a WARNING cannot write xferlog | java.io.IOException: disk full");
    }
}
