package ftp.fs;

import ftp.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/** Two nodes' ledgers over one home, in one JVM, on an injected clock. */
class SharedQuotaLedgerTest {
    private static final long QUOTA = 1 << 20;
    private static final long CHUNK = 64 << 10;
    private static final Duration LEASE = Duration.ofSeconds(10);

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final LongAdder locks = new LongAdder();

    private QuotaLedger node(String name) throws IOException {
        return QuotaLedger.shared("egon", OptionalLong.of(QUOTA), OptionalLong.empty(), home,
                new LeaseTerms(name, CHUNK, LEASE, clock, locks));
    }

    @Test
    void twoNodesShareOneQuotaAndADeadNodesLeaseLapsesIntoAFreshMeasurement() throws IOException {
        Files.write(home.resolve("old.bin"), new byte[10_000]);
        QuotaLedger a = node("a");
        QuotaLedger b = node("b");
        a.recomputeOnce(home);
        b.recomputeOnce(home);
        assertThat(a.used()).as("measured on first use").isEqualTo(10_000);
        assertThat(b.used()).as("the other node's measurement, from the ledger").isEqualTo(10_000);

        assertThat(a.tryReserve(10_000)).as("takes a lease of a chunk").isTrue();
        long locksAfterLease = locks.sum();
        assertThat(a.tryReserve(1_000)).as("from the lease, without the lock").isTrue();
        assertThat(locks.sum()).isEqualTo(locksAfterLease);

        b.refresh();
        assertThat(b.leasedToOthers()).isEqualTo(CHUNK);
        long room = QUOTA - 10_000 - CHUNK;
        assertThat(b.tryReserve(room + 1)).as("past the quota, counting the other node's lease").isFalse();
        assertThat(b.tryReserve(room)).isTrue();
        b.release(room);

        // Node a dies having written 50,000 of the bytes it leased.
        Files.write(home.resolve("cut.bin"), new byte[50_000]);
        b.refresh();
        assertThat(b.used() + b.leasedToOthers()).as("a live-looking lease still counts: nothing forgotten")
                .isGreaterThanOrEqualTo(60_000);
        clock.advance(LEASE.plusSeconds(1));
        b.refresh();
        assertThat(b.leasedToOthers()).as("the lapsed lease is reclaimed").isZero();
        assertThat(b.used()).as("by a fresh measurement").isEqualTo(60_000);
        assertThat(b.files()).isEqualTo(2);
    }

    @Test
    void anUnreadableLedgerIsMeasuredAgain() throws IOException {
        Files.write(home.resolve("a.bin"), new byte[20_000]);
        QuotaLedger first = node("a");
        first.recomputeOnce(home);
        Files.writeString(home.resolve(".upload").resolve("quota-ledger"), "garbage\nbase x y\n");
        QuotaLedger second = node("b");
        second.recomputeOnce(home);
        assertThat(second.used()).isEqualTo(20_000);
        assertThat(Files.readString(home.resolve(".upload").resolve("quota-ledger")))
                .startsWith("ftpd-ledger 1\nbase 20000 1\n");
    }
}
