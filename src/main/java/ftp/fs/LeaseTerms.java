package ftp.fs;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * How this node shares quota ledgers with the other nodes over one home root: its name in the leases, how
 * much it reserves at a time ({@code chunk}: with {@code n} nodes a user can pass the quota by at most what
 * is leased but not yet folded, one chunk per node), how long a lease lives unless renewed ({@code time}:
 * a node that died gives its lease back after that), the clock it reads, and a counter of ledger locks taken.
 */
public record LeaseTerms(String node, long chunk, Duration time, Clock clock, LongAdder locks) {
    public LeaseTerms {
        if (node.isEmpty() || !node.chars().allMatch(c -> c > ' ' && c < 127)) {
            throw new IllegalArgumentException("a node name is printable ASCII without spaces: " + node);
        }
        if (chunk < QuotaLedger.BLOCK || time.isNegative() || time.isZero()) {
            throw new IllegalArgumentException("lease of at least one block, for a positive time");
        }
    }
}
