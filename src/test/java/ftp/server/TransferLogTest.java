package ftp.server;

import ftp.server.TransferLog.Direction;
import ftp.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The xferlog's line format and its size bound, on fixed clocks: the ctime date is easiest to get wrong on
 * one-digit days, Feb 29, at the turn of the year and when summer time starts or ends.
 */
class TransferLogTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @TempDir
    Path dir;

    /**
     * A line as log tools split it: the ctime date is always 24 characters (a one-digit day leaves two spaces
     * in a row), then 13 standard fields and the node's name, separated by single spaces.
     */
    private record Line(String date, List<String> fields) {
        static Line of(String text) {
            assertThat(text.charAt(24)).as(text).isEqualTo(' ');
            List<String> fields = List.of(text.substring(25).split(" ", -1));
            assertThat(fields).as(text).hasSize(14);
            return new Line(text.substring(0, 24), fields);
        }
    }

    private static List<Line> lines(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(Line::of).toList();
    }

    /** Logs one transfer at each instant in turn on a clock in {@code zone}; the lines' dates. */
    private List<String> datesAt(ZoneId zone, String... instants) throws IOException {
        MutableClock clock = new MutableClock(Instant.parse(instants[0]), zone);
        Path file = Files.createTempFile(dir, "xferlog", "");
        try (TransferLog log = new TransferLog(file, 1 << 20, 1, "node-a", clock)) {
            for (String instant : instants) {
                clock.set(Instant.parse(instant));
                log.record("127.0.0.1", 1, "/f", true, Direction.OUTGOING, "alice", 1, true);
            }
        }
        return lines(file).stream().map(Line::date).toList();
    }

    @ParameterizedTest
    @CsvSource({
        "2026-12-01T10:00:00Z, Tue Dec  1 10:00:00 2026",
        "2026-12-04T14:51:02Z, Fri Dec  4 14:51:02 2026",
        "2026-12-09T23:59:59Z, Wed Dec  9 23:59:59 2026",
        "2026-12-10T00:00:00Z, Thu Dec 10 00:00:00 2026",
        "2026-12-31T08:05:09Z, Thu Dec 31 08:05:09 2026",
        "2028-02-29T12:00:00Z, Tue Feb 29 12:00:00 2028",
    })
    void theDateIsCtimeWithOneDigitDaysPaddedByASpace(String instant, String date) throws IOException {
        assertThat(datesAt(ZoneOffset.UTC, instant)).containsExactly(date);
    }

    @Test
    void theYearChangesAtMidnightInTheClocksZone() throws IOException {
        assertThat(datesAt(ZoneOffset.UTC, "2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z"))
                .containsExactly("Thu Dec 31 23:59:59 2026", "Fri Jan  1 00:00:00 2027");
        // Berlin is an hour ahead of UTC in winter, so its new year comes at 23:00 UTC.
        assertThat(datesAt(BERLIN, "2026-12-31T22:59:59Z", "2026-12-31T23:00:00Z"))
                .containsExactly("Thu Dec 31 23:59:59 2026", "Fri Jan  1 00:00:00 2027");
    }

    @Test
    void summerTimeSkipsAnHourAndWinterTimeRepeatsOne() throws IOException {
        // 2026-03-29 in Berlin: at 01:00 UTC the clocks go from 02:00 CET to 03:00 CEST.
        assertThat(datesAt(BERLIN, "2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z"))
                .containsExactly("Sun Mar 29 01:59:59 2026", "Sun Mar 29 03:00:00 2026");
        // 2026-10-25: at 01:00 UTC they go back from 03:00 CEST to 02:00 CET, so 02:30 comes twice, an hour apart.
        assertThat(datesAt(BERLIN, "2026-10-25T00:30:00Z", "2026-10-25T00:59:59Z", "2026-10-25T01:00:00Z",
                "2026-10-25T01:30:00Z"))
                .containsExactly("Sun Oct 25 02:30:00 2026", "Sun Oct 25 02:59:59 2026", "Sun Oct 25 02:00:00 2026",
                        "Sun Oct 25 02:30:00 2026");
    }

    @Test
    void fieldsHoldNoSpacesOrNewlinesAndTheFileRotatesPastItsBound() throws IOException {
        Path file = dir.resolve("log/xferlog");
        MutableClock clock = new MutableClock(Instant.parse("2026-12-04T14:51:02Z"), ZoneOffset.UTC);
        try (TransferLog log = new TransferLog(file, 500, 1, "node-a", clock)) {
            for (int i = 0; i < 10; i++) {
                log.record("127.0.0.1", 1000 + i, "/dir/a file\nwith newline", i % 2 == 0,
                        i % 3 == 0 ? Direction.INCOMING : Direction.OUTGOING, "alice", 1500, i != 9);
                clock.advance(Duration.ofDays(1));  // Dec 4 to Dec 13: lines of one- and two-digit days alike
            }
        }
        Path rotated = dir.resolve("log/xferlog.1");
        assertThat(Files.size(file)).isLessThanOrEqualTo(500);
        assertThat(Files.size(rotated)).isLessThanOrEqualTo(500);
        List<Line> lines = new ArrayList<>(lines(rotated));
        lines.addAll(lines(file));
        assertThat(lines).extracting(Line::date).containsExactly(
                "Fri Dec  4 14:51:02 2026", "Sat Dec  5 14:51:02 2026", "Sun Dec  6 14:51:02 2026",
                "Mon Dec  7 14:51:02 2026", "Tue Dec  8 14:51:02 2026", "Wed Dec  9 14:51:02 2026",
                "Thu Dec 10 14:51:02 2026", "Fri Dec 11 14:51:02 2026", "Sat Dec 12 14:51:02 2026",
                "Sun Dec 13 14:51:02 2026");
        assertThat(lines.get(0).fields()).containsExactly(
                "2", "127.0.0.1", "1000", "/dir/a_file_with_newline", "b", "_", "i", "r", "alice", "ftp", "0", "*", "c", "node-a");
        assertThat(lines.get(9).fields()).containsExactly(
                "2", "127.0.0.1", "1009", "/dir/a_file_with_newline", "a", "_", "i", "r", "alice", "ftp", "0", "*", "i", "node-a");
        assertThat(lines).extracting(l -> l.fields().get(12)).containsExactly(
                "c", "c", "c", "c", "c", "c", "c", "c", "c", "i");
    }
}
