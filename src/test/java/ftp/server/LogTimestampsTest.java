package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogTimestampsTest {
    private static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

    @Test
    void everyReadingIsTheFormattersTextForItsSecond() {
        ZoneId zone = ZoneId.of("Europe/Berlin");
        LogTimestamps stamps = new LogTimestamps(CTIME, zone);
        Random random = new Random(7);
        long millis = 1_790_000_000_000L;
        for (int i = 0; i < 20_000; i++) {
            // Mostly small steps (the same second again, the next one), sometimes jumps back and forth.
            millis += random.nextInt(10) == 0 ? random.nextInt(2_000_000_000) - 1_000_000_000L : random.nextInt(700);
            assertThat(stamps.secondOf(millis)).isEqualTo(CTIME.format(Instant.ofEpochMilli(millis).atZone(zone)));
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
