package ftp.auth;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Failed logins per client address: how long to hold back the reply to the next failure, and whether the
 * address is banned. Failures are forgotten after {@code banTime} without a new one; reaching
 * {@code maxFailures} bans the address for {@code banTime}, after which it starts afresh. It only answers
 * questions and never sleeps: the server schedules the delayed reply on its timer, so no thread waits.
 * The table holds at most {@code maxTrackedAddresses} addresses and forgets the least recently seen one
 * first. Thread-safe: any thread.
 */
public final class LoginThrottle {
    private static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_DELAY = Duration.ofSeconds(5);

    private static final class Failures {
        int count;  // failures in the window: what a ban counts
        int streak; // failures since the last success: what the delay grows with
        Instant last;
        Instant bannedUntil; // null while not banned
    }

    private final int maxFailures;
    private final Duration banTime;
    private final Clock clock;
    private final Map<InetAddress, Failures> table; // guarded by this

    public LoginThrottle(int maxFailures, Duration banTime, int maxTrackedAddresses, Clock clock) {
        if (maxFailures < 1 || maxTrackedAddresses < 1 || banTime.isNegative()) {
            throw new IllegalArgumentException("maxFailures and maxTrackedAddresses must be positive, banTime not negative");
        }
        this.maxFailures = maxFailures;
        this.banTime = banTime;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.table = new BoundedLruMap<>(maxTrackedAddresses);
    }

    /**
     * How long to wait before answering a failed PASS, after {@link #recordFailure}: 1 s after the first
     * failure, doubling with each further one, at most 5 s.
     */
    public synchronized Duration delayAfterFailure(InetAddress address) {
        Failures f = live(address, clock.instant());
        int failures = f == null ? 1 : Math.max(1, f.streak);
        Duration delay = FIRST_DELAY.multipliedBy(1L << Math.min(failures - 1, 16));
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    public synchronized void recordFailure(InetAddress address) {
        Instant now = clock.instant();
        Failures f = live(address, now);
        if (f == null) {
            f = new Failures();
            table.put(address, f);
        }
        f.count++;
        f.streak++;
        f.last = now;
        if (f.count >= maxFailures && f.bannedUntil == null) {
            f.bannedUntil = now.plus(banTime);
        }
    }

    /**
     * A successful login resets the reply delay but not the count towards a ban: otherwise anyone with one
     * valid account could log in between guesses at other accounts and never be banned.
     */
    public synchronized void recordSuccess(InetAddress address) {
        Failures f = live(address, clock.instant());
        if (f != null) {
            f.streak = 0;
        }
    }

    public synchronized boolean isBanned(InetAddress address) {
        Failures f = live(address, clock.instant());
        return f != null && f.bannedUntil != null;
    }

    /** Time left on the ban, zero when not banned. */
    public synchronized Duration banRemaining(InetAddress address) {
        Instant now = clock.instant();
        Failures f = live(address, now);
        return f == null || f.bannedUntil == null ? Duration.ZERO : Duration.between(now, f.bannedUntil);
    }

    /** A banned address, until when, and the failures that led to it. */
    public record Ban(InetAddress address, Instant until, int failures) {}

    /** The bans in force now, soonest over first. */
    public synchronized List<Ban> bans() {
        Instant now = clock.instant();
        List<Ban> bans = new ArrayList<>();
        for (InetAddress a : new ArrayList<>(table.keySet())) {
            Failures f = live(a, now);
            if (f != null && f.bannedUntil != null) {
                bans.add(new Ban(a, f.bannedUntil, f.count));
            }
        }
        bans.sort(Comparator.comparing(Ban::until));
        return bans;
    }

    /** Lifts the ban on {@code address} and forgets its failures; false when it was not banned. */
    public synchronized boolean clear(InetAddress address) {
        Failures f = live(address, clock.instant());
        table.remove(address);
        return f != null && f.bannedUntil != null;
    }

    /** Number of addresses currently remembered (for status output and tests). */
    public synchronized int trackedAddresses() {
        return table.size();
    }

    /** The address's record if it still matters at {@code now}; drops an expired ban or stale failures. */
    private Failures live(InetAddress address, Instant now) {
        Failures f = table.get(address);
        if (f == null) {
            return null;
        }
        boolean expired = f.bannedUntil != null
                ? !now.isBefore(f.bannedUntil)
                : !now.isBefore(f.last.plus(banTime));
        if (expired) {
            table.remove(address);
            return null;
        }
        return f;
    }
}
