package ftp.server;

import ftp.server.ServerEvents.Refusal;
import ftp.server.TransferLog.Direction;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters since it started (connections, logins, bans, bytes, transfers, quota refusals) and
 * the selector loop's pass times, for the metrics endpoint. Counting is lock-free: any thread counts, any
 * thread reads; {@link #loopPass} is called by the selector thread only.
 */
public final class ServerMetrics {
    private final LongAdder connections = new LongAdder();
    private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);
    private final LongAdder loginsOk = new LongAdder();
    private final LongAdder loginsFailed = new LongAdder();
    private final LongAdder bans = new LongAdder();
    private final LongAdder quotaRefusals = new LongAdder();
    private final LongAdder ledgerLocks = new LongAdder();
    private final Map<Direction, LongAdder> bytes = new EnumMap<>(Direction.class);
    private final Map<Direction, LongAdder> complete = new EnumMap<>(Direction.class);
    private final Map<Direction, LongAdder> incomplete = new EnumMap<>(Direction.class);
    private volatile long loopPasses; // written by the selector thread only
    private volatile long loopNanos;
    private final AtomicLong loopMaxNanos = new AtomicLong();

    public ServerMetrics() {
        for (Refusal r : Refusal.values()) {
            refused.put(r, new LongAdder());
        }
        for (Direction d : Direction.values()) {
            bytes.put(d, new LongAdder());
            complete.put(d, new LongAdder());
            incomplete.put(d, new LongAdder());
        }
    }

    void connected() {
        connections.increment();
    }

    void refused(Refusal why) {
        refused.get(why).increment();
    }

    void login(boolean ok) {
        (ok ? loginsOk : loginsFailed).increment();
    }

    void banned() {
        bans.increment();
    }

    void quotaRefused() {
        quotaRefusals.increment();
    }

    void transfer(Direction direction, long byteCount, boolean completed) {
        bytes.get(direction).add(byteCount);
        (completed ? complete : incomplete).get(direction).increment();
    }

    /** Selector thread: one pass of the loop took {@code nanos}, waiting in select not counted. */
    void loopPass(long nanos) {
        loopPasses++; // single writer: the volatile write publishes it
        loopNanos += nanos;
        if (nanos > loopMaxNanos.get()) {
            loopMaxNanos.accumulateAndGet(nanos, Math::max);
        }
    }

    public long connections() {
        return connections.sum();
    }

    public long refusals(Refusal why) {
        return refused.get(why).sum();
    }

    public long logins(boolean ok) {
        return (ok ? loginsOk : loginsFailed).sum();
    }

    public long bans() {
        return bans.sum();
    }

    /** Counts every lock taken on a shared quota ledger (by the quota code, which increments it). */
    public LongAdder ledgerLockCounter() {
        return ledgerLocks;
    }

    public long ledgerLocks() {
        return ledgerLocks.sum();
    }

    public long quotaRefusals() {
        return quotaRefusals.sum();
    }

    public long bytes(Direction direction) {
        return bytes.get(direction).sum();
    }

    public long transfers(Direction direction, boolean completed) {
        return (completed ? complete : incomplete).get(direction).sum();
    }

    public long loopPasses() {
        return loopPasses;
    }

    public long loopNanos() {
        return loopNanos;
    }

    /** The longest pass since the previous call, which starts the next period. */
    public long takeLoopMaxNanos() {
        return loopMaxNanos.getAndSet(0);
    }
}
