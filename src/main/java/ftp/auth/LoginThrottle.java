package ftp.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Failed logins per client: how long to hold back the reply to the next failure, and whether the client is
 * banned. A client is an IPv4 address, or the /64 network of an IPv6 address: one host or home line gets a
 * whole /64, so it could otherwise move to a fresh address after every few guesses (and fill the table).
 * Failures are forgotten after {@code banTime} without a new one; reaching {@code maxFailures} bans the
 * client for {@code banTime}, after which it starts afresh. It only answers questions and never sleeps: the
 * server schedules the delayed reply on its timer, so no thread waits. The table holds at most
 * {@code maxTrackedAddresses} clients and forgets the least recently seen one first. Thread-safe: any thread.
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
            table.put(clientOf(address), f);
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

    /**
     * A banned client (an IPv4 address, or the first address of an IPv6 /64 network), until when, and the
     * failures that led to it.
     */
    public record Ban(InetAddress client, Instant until, int failures) {}

    /** The bans in force now, soonest over first. */
    public synchronized List<Ban> bans() {
        Instant now = clock.instant();
        List<Ban> bans = new ArrayList<>();
        for (InetAddress client : new ArrayList<>(table.keySet())) {
            Failures f = live(client, now);
            if (f != null && f.bannedUntil != null) {
                bans.add(new Ban(client, f.bannedUntil, f.count));
            }
        }
        bans.sort(Comparator.comparing(Ban::until));
        return bans;
    }

    /** Lifts the ban on {@code address}'s client and forgets its failures; false when it was not banned. */
    public synchronized boolean clear(InetAddress address) {
        Failures f = live(address, clock.instant());
        table.remove(clientOf(address));
        return f != null && f.bannedUntil != null;
    }

    /** Number of clients currently remembered; the tests check that the table stays bounded. */
    synchronized int trackedAddresses() {
        return table.size();
    }

    /** The record of {@code address}'s client if it still matters at {@code now}; drops expired bans and failures. */
    private Failures live(InetAddress address, Instant now) {
        InetAddress client = clientOf(address);
        Failures f = table.get(client);
        if (f == null) {
            return null;
        }
        boolean expired = f.bannedUntil != null
                ? !now.isBefore(f.bannedUntil)
                : !now.isBefore(f.last.plus(banTime));
        if (expired) {
            table.remove(client);
            return null;
        }
        return f;
    }

    /** The key of {@code address}'s client: the address itself for IPv4, its /64 network for IPv6. */
    private static InetAddress clientOf(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] network = address.getAddress();
        Arrays.fill(network, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(network);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an IPv6 address", e);
        }
    }
}
