package ftp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.testing.MutableClock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final LoginThrottle throttle = new LoginThrottle(5, Duration.ofMinutes(10), 100, clock);
    private final InetAddress a = address(1);
    private final InetAddress b = address(2);

    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {10, 0, (byte) (last >> 8), (byte) last});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void delayGrowsWithConsecutiveFailuresAndIsCapped() {
        assertThat(throttle.delayAfterFailure(a)).isEqualTo(Duration.ofSeconds(1));
        Duration[] expected = {Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofSeconds(5)};
        for (Duration d : expected) {
            throttle.recordFailure(a);
            assertThat(throttle.delayAfterFailure(a)).isEqualTo(d);
        }
        assertThat(throttle.delayAfterFailure(b)).as("other addresses are not affected").isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void successResetsTheDelay() {
        for (int i = 0; i < 4; i++) {
            throttle.recordFailure(a);
        }
        throttle.recordSuccess(a);

        throttle.recordFailure(a);
        assertThat(throttle.delayAfterFailure(a)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void successBetweenGuessesDoesNotPreventTheBan() {
        for (int i = 0; i < 4; i++) {
            throttle.recordFailure(a);
            throttle.recordSuccess(a); // an attacker's own valid account, logged in between guesses
        }
        assertThat(throttle.isBanned(a)).isFalse();
        throttle.recordFailure(a);
        assertThat(throttle.isBanned(a)).isTrue();
    }

    @Test
    void banStartsAtMaxFailuresAndExpiresAfterBanTime() {
        for (int i = 0; i < 4; i++) {
            throttle.recordFailure(a);
            clock.advance(Duration.ofSeconds(30));
        }
        assertThat(throttle.isBanned(a)).isFalse();

        throttle.recordFailure(a);

        assertThat(throttle.isBanned(a)).isTrue();
        assertThat(throttle.isBanned(b)).isFalse();
        assertThat(throttle.banRemaining(a)).isEqualTo(Duration.ofMinutes(10));
        clock.advance(Duration.ofMinutes(9));
        assertThat(throttle.isBanned(a)).isTrue();
        assertThat(throttle.banRemaining(a)).isEqualTo(Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        assertThat(throttle.isBanned(a)).isFalse();
        assertThat(throttle.banRemaining(a)).isZero();

        throttle.recordFailure(a);
        assertThat(throttle.isBanned(a)).as("a fresh start after the ban").isFalse();
        assertThat(throttle.delayAfterFailure(a)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void failuresSpreadFurtherThanTheWindowApartAreForgotten() {
        for (int i = 0; i < 10; i++) {
            throttle.recordFailure(a);
            clock.advance(Duration.ofMinutes(10));
        }

        assertThat(throttle.isBanned(a)).isFalse();
        throttle.recordFailure(a);
        assertThat(throttle.delayAfterFailure(a)).isEqualTo(Duration.ofSeconds(1));
    }

    private static InetAddress v6(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anIpv6ClientRotatingThroughItsSlash64IsBannedAsOne() {
        for (int i = 1; i <= 5; i++) {
            InetAddress fresh = v6("2001:db8:1:2:" + Integer.toHexString(i * 4099) + "::" + i);
            assertThat(throttle.isBanned(fresh)).isFalse();
            throttle.recordFailure(fresh);
            assertThat(throttle.delayAfterFailure(fresh)).as("the delay grows across the /64")
                    .isEqualTo(Duration.ofSeconds(Math.min(5, 1L << (i - 1))));
        }

        assertThat(throttle.isBanned(v6("2001:db8:1:2::1"))).isTrue();
        assertThat(throttle.isBanned(v6("2001:db8:1:2:ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(throttle.banRemaining(v6("2001:db8:1:2:abcd::"))).isEqualTo(Duration.ofMinutes(10));
        assertThat(throttle.isBanned(v6("2001:db8:1:3::1"))).as("the next /64").isFalse();
        assertThat(throttle.isBanned(v6("2001:db8:1:1:ffff:ffff:ffff:ffff"))).as("the previous /64").isFalse();
        assertThat(throttle.trackedAddresses()).isOne();
    }

    @Test
    void ipv4AddressesStayApartAndAFlowOfIpv6AddressesCannotPushABanOutOfTheTable() {
        LoginThrottle small = new LoginThrottle(2, Duration.ofMinutes(10), 3, clock);
        small.recordFailure(a);
        small.recordFailure(a);
        assertThat(small.isBanned(address(3))).as("IPv4 bans stay on the exact address").isFalse();

        for (int i = 0; i < 1000; i++) {
            small.recordFailure(v6("2001:db8::" + Integer.toHexString(i)));
        }

        assertThat(small.isBanned(a)).isTrue();
        assertThat(small.trackedAddresses()).isEqualTo(2);
    }

    @Test
    void bansAreListedSoonestOverFirstAndAnAdminCanLiftOne() {
        for (int i = 0; i < 5; i++) {
            throttle.recordFailure(a);
        }
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 6; i++) {
            throttle.recordFailure(b);
        }
        throttle.recordFailure(address(3)); // failures, no ban
        assertThat(throttle.bans()).containsExactly(
                new LoginThrottle.Ban(a, Instant.parse("2024-01-01T00:10:00Z"), 5),
                new LoginThrottle.Ban(b, Instant.parse("2024-01-01T00:11:00Z"), 6));

        assertThat(throttle.clear(a)).isTrue();
        assertThat(throttle.isBanned(a)).isFalse();
        assertThat(throttle.delayAfterFailure(a)).as("its failures are forgotten too").isEqualTo(Duration.ofSeconds(1));
        assertThat(throttle.clear(a)).as("no ban left to lift").isFalse();
        assertThat(throttle.clear(address(3))).isFalse();
        assertThat(throttle.bans()).extracting(LoginThrottle.Ban::client).containsExactly(b);

        clock.advance(Duration.ofMinutes(10));
        assertThat(throttle.bans()).as("an expired ban is not listed").isEmpty();
    }

    @Test
    void anIpv6BanIsListedAndLiftedForItsWholeSlash64() {
        for (int i = 1; i <= 5; i++) {
            throttle.recordFailure(v6("2001:db8:1:2::" + i));
        }
        assertThat(throttle.bans()).extracting(LoginThrottle.Ban::client).containsExactly(v6("2001:db8:1:2::"));
        assertThat(throttle.clear(v6("2001:db8:1:2:ffff::9"))).isTrue();
        assertThat(throttle.isBanned(v6("2001:db8:1:2::1"))).isFalse();
    }

    @Test
    void tableIsBoundedAndForgetsTheLeastRecentlySeen() {
        LoginThrottle small = new LoginThrottle(2, Duration.ofMinutes(10), 3, clock);
        small.recordFailure(a);
        small.recordFailure(a);
        assertThat(small.isBanned(a)).isTrue();

        for (int i = 10; i < 1010; i++) {
            small.recordFailure(address(i));
        }

        assertThat(small.trackedAddresses()).isEqualTo(3);
        assertThat(small.isBanned(a)).isFalse();
        assertThat(small.delayAfterFailure(address(1009))).isEqualTo(Duration.ofSeconds(1));
    }
}
