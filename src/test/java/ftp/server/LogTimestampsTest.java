package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LogTimestampsTest {
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /** What one {@code stamps} reads for each instant in turn, so that each reading may come from its cache. */
    private static List<String> readings(LogTimestamps stamps, String... instants) {
        return Stream.of(instants).map(i -> stamps.secondOf(Instant.parse(i).toEpochMilli())).toList();
    }

    @Test
    void ctimePadsOneDigitDaysWithASpace() {
        LogTimestamps stamps = new LogTimestamps(CTIME, ZoneOffset.UTC);
        assertThat(readings(stamps, "2026-12-01T10:00:00Z", "2026-12-04T14:51:02.999Z", "2026-12-09T23:59:59Z",
                "2026-12-10T00:00:00Z", "2026-12-31T08:05:09Z", "2028-02-29T12:00:00Z"))
                .containsExactly("Tue Dec  1 10:00:00 2026", "Fri Dec  4 14:51:02 2026", "Wed Dec  9 23:59:59 2026",
                        "Thu Dec 10 00:00:00 2026", "Thu Dec 31 08:05:09 2026", "Tue Feb 29 12:00:00 2028");
    }

    @Test
    void theLastSecondOfTheYearIsNotTheFirstOfTheNext() {
        LogTimestamps stamps = new LogTimestamps(CTIME, ZoneOffset.UTC);
        assertThat(readings(stamps, "2026-12-31T23:59:59Z", "2026-12-31T23:59:59.999Z", "2027-01-01T00:00:00Z",
                "2026-12-31T23:59:59.500Z"))
                .containsExactly("Thu Dec 31 23:59:59 2026", "Thu Dec 31 23:59:59 2026", "Fri Jan  1 00:00:00 2027",
                        "Thu Dec 31 23:59:59 2026");
    }

    @Test
    void summerTimeSkipsAnHourAndTheRepeatedHourIsReadFromEachSecond() {
        LogTimestamps stamps = new LogTimestamps(CTIME, BERLIN);
        // 2026-03-29 in Berlin: at 01:00 UTC the clocks go from 02:00 CET to 03:00 CEST.
        assertThat(readings(stamps, "2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z"))
                .containsExactly("Sun Mar 29 01:59:59 2026", "Sun Mar 29 03:00:00 2026");
        // 2026-10-25: at 01:00 UTC they go back from 03:00 CEST to 02:00 CET, so 02:30 comes twice, an hour apart.
        assertThat(readings(stamps, "2026-10-25T00:30:00Z", "2026-10-25T00:59:59Z", "2026-10-25T01:00:00Z",
                "2026-10-25T01:30:00Z", "2026-10-25T00:30:01Z"))
                .containsExactly("Sun Oct 25 02:30:00 2026", "Sun Oct 25 02:59:59 2026", "Sun Oct 25 02:00:00 2026",
                        "Sun Oct 25 02:30:00 2026", "Sun Oct 25 02:30:01 2026");
    }

    @Test
    void everyReadingIsTheFormattersTextForItsSecond() {
        LogTimestamps stamps = new LogTimestamps(CTIME, BERLIN);
        Random random = new Random(7);
        long millis = 1_790_000_000_000L;
        for (int i = 0; i < 20_000; i++) {
            // Mostly small steps (the same second again, the next one), sometimes jumps back and forth.
            millis += random.nextInt(10) == 0 ? random.nextInt(2_000_000_000) - 1_000_000_000L : random.nextInt(700);
            assertThat(stamps.secondOf(millis)).isEqualTo(CTIME.format(Instant.ofEpochMilli(millis).atZone(BERLIN)));
        }
    }

    @Test
    void millisecondsBefore1970BelongToTheSecondBeforeThem() {
        LogTimestamps stamps = new LogTimestamps(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"), ZoneId.of("UTC"));
        assertThat(stamps.secondOf(-1)).isEqualTo("1969-12-31 23:59:59");
        assertThat(stamps.secondOf(0)).isEqualTo("1970-01-01 00:00:00");
        assertThat(stamps.secondOf(999)).isEqualTo("1970-01-01 00:00:00");
    }
}
