package ftp.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * One user's storage account, shared by all of that user's sessions: bytes used and the limit. Space is
 * reserved before bytes are written, atomically, so sessions racing each other can never together pass
 * the limit. Usage lives only in memory and is measured from the disk on first use after each start
 * ({@link #recompute}), so a killed server cannot leave a wrong record behind. Thread-safe: the
 * accounting is a few arithmetic steps under the ledger's lock; measuring the disk happens outside it.
 */
public final class QuotaLedger {
    private static final Logger LOG = Logger.getLogger("ftpd");

    private final String user;
    private long used;
    private long limit;  // < 0: unlimited
    private final Object measuring = new Object();
    private boolean measured;  // guarded by measuring

    public QuotaLedger(String user, OptionalLong limit) {
        this.user = user;
        this.limit = toField(limit);
    }

    public synchronized long used() {
        return used;
    }

    public synchronized OptionalLong limit() {
        return limit < 0 ? OptionalLong.empty() : OptionalLong.of(limit);
    }

    /** Takes effect at once for every session of the user. */
    public synchronized void setLimit(OptionalLong newLimit) {
        limit = toField(newLimit);
    }

    /** Bytes that may still be reserved: never negative, {@link Long#MAX_VALUE} when unlimited. */
    public synchronized long available() {
        return limit < 0 ? Long.MAX_VALUE : Math.max(0, limit - used);
    }

    /** Reserves {@code bytes} if they fit under the limit (always, when unlimited); false changes nothing. */
    public synchronized boolean tryReserve(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative reservation: " + bytes);
        }
        if (limit >= 0 && bytes > limit - used) {
            return false;
        }
        used = saturatedAdd(used, bytes);
        return true;
    }

    /** Gives back reserved bytes that were not written after all. */
    public void release(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative release: " + bytes);
        }
        adjust(-bytes);
    }

    /** Accounts for a change made outside reservations (a delete, a truncate). Usage never drops below 0. */
    public synchronized void adjust(long delta) {
        long next = saturatedAdd(used, delta);
        if (next < 0) {
            LOG.warning("quota of " + user + " would drop below zero (" + used + " + " + delta + "); kept at 0");
            next = 0;
        }
        used = next;
    }

    /**
     * Sets usage to what the home holds now: regular files, links not followed, bookkeeping excluded.
     * Reservations of uploads running meanwhile are overwritten, so call it before the user's sessions
     * start (as {@link QuotaRegistry} does) or accept that much drift. Blocking: worker threads only.
     */
    public void recompute(Path home) throws IOException {
        long total = HomeUsage.measure(home);
        synchronized (this) {
            used = total;
        }
        synchronized (measuring) {
            measured = true;
        }
    }

    /** Measures the home unless that has been done since the start; concurrent callers wait for one walk. */
    void recomputeOnce(Path home) throws IOException {
        synchronized (measuring) {
            if (!measured) {
                recompute(home);
            }
        }
    }

    private static long toField(OptionalLong limit) {
        if (limit.isPresent() && limit.getAsLong() < 0) {
            throw new IllegalArgumentException("negative quota: " + limit.getAsLong());
        }
        return limit.orElse(-1);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return sum;
    }
}
