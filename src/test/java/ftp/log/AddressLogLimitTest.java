package ftp.log;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.testing.MutableClock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Per-address budgets of log lines on a clock the test moves: no sleeps, the same on any day. */
class AddressLogLimitTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2028-02-29T23:59:30Z"), ZoneOffset.UTC);
    private final List<String> summaries = new ArrayList<>();

    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {10, 0, (byte) (last >> 8), (byte) last});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private AddressLogLimit limit(int lines, int maxAddresses) {
        return new AddressLogLimit(lines, Duration.ofMinutes(1), maxAddresses, clock, summaries::add);
    }

    private static long allowed(AddressLogLimit limit, InetAddress a, int attempts) {
        return IntStream.range(0, attempts).filter(i -> limit.allow(a)).count();
    }

    @Test
    void theFirstLinesPassThenOneSummaryCountsTheRest() {
        AddressLogLimit limit = limit(3, 100);
        assertThat(allowed(limit, address(1), 50)).isEqualTo(3);
        assertThat(allowed(limit, address(2), 2)).as("other addresses have budgets of their own").isEqualTo(2);
        clock.advance(Duration.ofSeconds(59));
        limit.sweep();
        assertThat(summaries).as("the window is not over").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        limit.sweep();
        assertThat(summaries).containsExactly("lines suppressed from=10.0.0.1 count=47 window=60s");
        assertThat(limit.trackedAddresses()).as("windows that are over are forgotten").isZero();
        assertThat(allowed(limit, address(1), 3)).as("a new window, a new budget").isEqualTo(3);
    }

    @Test
    void aLineAfterTheWindowSummarizesTheOldWindowFirst() {
        AddressLogLimit limit = limit(1, 100);
        allowed(limit, address(1), 5);
        clock.advance(Duration.ofMinutes(2));
        assertThat(limit.allow(address(1))).isTrue();
        assertThat(summaries).containsExactly("lines suppressed from=10.0.0.1 count=4 window=60s");
    }

    @Test
    void theTableIsBoundedAndAForgottenAddressKeepsItsCount() {
        AddressLogLimit limit = limit(1, 10);
        allowed(limit, address(0), 3);
        for (int i = 1; i <= 1000; i++) {
            limit.allow(address(i));
        }
        assertThat(limit.trackedAddresses()).isEqualTo(10);
        assertThat(summaries).containsExactly("lines suppressed from=10.0.0.0 count=2 window=60s");
    }

    @Test
    void flushSummarizesWindowsThatAreNotOverYet() {
        AddressLogLimit limit = limit(2, 100);
        allowed(limit, address(7), 9);
        limit.flush();
        assertThat(summaries).containsExactly("lines suppressed from=10.0.0.7 count=7 window=60s");
        assertThat(limit.trackedAddresses()).isZero();
    }

    @Test
    void zeroLinesMeansNoLimit() {
        AddressLogLimit limit = limit(0, 1);
        assertThat(allowed(limit, address(1), 1000)).isEqualTo(1000);
        assertThat(limit.trackedAddresses()).isZero();
    }
}
