package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void showsBarPercentRateAndEstimate() {
        String line = ProgressBar.render(372, 1000, 0, 2 * SECOND, 100, false);
        assertThat(line).startsWith("[" + "#".repeat(18) + ".".repeat(32) + "]");
        assertThat(line).contains(" 37.20%").contains("186.0 B/s").contains("ETA 00:04");
    }

    @Test
    void theFinalLineIsAFullBarAt100Percent() {
        String line = ProgressBar.render(1000, 1000, 0, 3 * SECOND, 100, true);
        assertThat(line).startsWith("[" + "#".repeat(50) + "] 100.00%").endsWith("00:03");
    }

    @Test
    void zeroByteFilesAreCompleteAtOnce() {
        assertThat(ProgressBar.render(0, 0, 0, 0, 80, false)).contains("100.00%").startsWith("[" + "#".repeat(10));
        assertThat(ProgressBar.render(0, 0, 0, 0, 80, true)).contains("100.00%").doesNotContain("NaN");
    }

    @Test
    void tinyAndLargeFilesLookRight() {
        assertThat(ProgressBar.render(1, 3, 0, SECOND / 1000, 80, false)).contains(" 33.33%");
        long huge = 5L << 40;
        String line = ProgressBar.render(huge / 2, huge, 0, 100 * SECOND, 80, false);
        assertThat(line).contains(" 50.00%").contains("25.6 GiB/s").contains("ETA 01:40");
        assertThat(ProgressBar.render(huge - 1, huge, 0, SECOND, 80, false)).contains(" 99.99%").contains("#.]");
    }

    @Test
    void aResumedTransferStartsWhereTheFileIsAndCountsOnlyNewBytesForTheRate() {
        String line = ProgressBar.render(600, 1000, 500, SECOND, 80, false);
        assertThat(line).contains(" 60.00%").contains("100.0 B/s").contains("ETA 00:04");
    }

    @Test
    void unknownSizesShowBytes() {
        assertThat(ProgressBar.render(3 << 20, -1, 0, SECOND, 80, false)).contains("3.00 MiB").contains("ETA --:--");
    }

    @Test
    void everyWidthFits() {
        for (int width = 1; width <= 200; width++) {
            for (boolean complete : new boolean[] {false, true}) {
                String line = ProgressBar.render(123_456_789, 987_654_321, 0, 7 * SECOND, width, complete);
                assertThat(line.length()).as("width %d", width).isLessThan(Math.max(width, 1));
            }
        }
        assertThat(ProgressBar.render(1, 2, 0, SECOND, 30, false)).startsWith("[").contains("50.00%");
        assertThat(ProgressBar.render(1, 2, 0, SECOND, 200, false)).startsWith("[" + "#".repeat(25) + ".".repeat(25));
    }

    @Test
    void onATerminalRedrawsInPlaceAtMostTenTimesASecondAndEndsWithANewline() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 80, 10_000, 0,
                clock::get);
        for (int i = 1; i <= 10_000; i++) {
            clock.addAndGet(SECOND / 5000);
            bar.accept(i);
        }
        bar.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        long redraws = out.chars().filter(c -> c == '\r').count();
        assertThat(redraws).as("2 s of transfer").isBetween(20L, 22L);
        assertThat(out).endsWith(System.lineSeparator()).doesNotContain("\n" + "[");
        String last = out.substring(out.lastIndexOf('\r') + 1).strip();
        assertThat(last).startsWith("[" + "#".repeat(50) + "] 100.00%");
    }

    @Test
    void elsewhereWritesOneLineWithoutControlCharacters() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 80, 10_000, 0,
                clock::get);
        for (int i = 1; i <= 10_000; i++) {
            clock.addAndGet(SECOND / 5000);
            bar.accept(i);
        }
        bar.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out.strip()).doesNotContainPattern("\\p{Cntrl}");
        assertThat(out.lines()).hasSize(1);
        assertThat(out).startsWith("[" + "#".repeat(50) + "] 100.00%");
    }

    @Test
    void anAbandonedTransferShowsWhereItStopped() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 80, 1000, 0,
                () -> 0);
        bar.accept(250);
        bar.abandon();
        bar.finish();
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).singleElement().asString().contains(" 25.00%");
    }
}
