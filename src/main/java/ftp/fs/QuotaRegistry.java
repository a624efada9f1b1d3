package ftp.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The server's ledgers, one per account, so every session of a user shares one. Holds one entry per
 * account that has logged in since the start. A home is
 * measured on {@code measurements}, never on the caller's thread: a home of 200,000 folders takes seconds,
 * and whoever asked (a login) waits for it without holding a thread. Thread-safe; never blocks.
 */
public final class QuotaRegistry {
    private final ConcurrentHashMap<String, CompletableFuture<QuotaLedger>> ledgers = new ConcurrentHashMap<>();
    private final Executor measurements;
    private final LeaseTerms leases;

    /** Ledgers this process keeps alone, in memory. */
    public QuotaRegistry(Executor measurements) {
        this(measurements, null);
    }

    /** Ledgers shared with the other nodes over the home root, on {@code leases}' terms (null: alone). */
    public QuotaRegistry(Executor measurements, LeaseTerms leases) {
        this.measurements = measurements;
        this.leases = leases;
    }

    /**
     * The user's ledger with the limits applied (bytes, and files and folders), once the home is measured. The
     * first call since the start measures; a concurrent call for the same user waits for that measurement rather
     * than measuring twice, and a failed one is tried again by the next call. Throws RejectedExecutionException when the measurements'
     * queue is full.
     */
    public CompletableFuture<QuotaLedger> ledgerFor(String user, Path home, OptionalLong limit,
            OptionalLong fileLimit) {
        CompletableFuture<QuotaLedger> fresh = new CompletableFuture<>();
        CompletableFuture<QuotaLedger> ledger = ledgers.putIfAbsent(user, fresh);
        if (ledger == null) {
            ledger = fresh;
            try {
                measurements.execute(() -> measure(user, home, limit, fileLimit, fresh));
            } catch (RejectedExecutionException e) {
                ledgers.remove(user, fresh);
                fresh.completeExceptionally(e);
                throw e;
            }
        }
        return ledger.thenApply(l -> {
            l.setLimits(limit, fileLimit);
            return l;
        });
    }

    private void measure(String user, Path home, OptionalLong limit, OptionalLong fileLimit,
            CompletableFuture<QuotaLedger> result) {
        try {
            QuotaLedger ledger = leases == null ? new QuotaLedger(user, limit, fileLimit)
                    : QuotaLedger.shared(user, limit, fileLimit, home, leases);
            ledger.recomputeOnce(home);
            result.complete(ledger);
        } catch (IOException | RuntimeException e) {
            ledgers.remove(user, result);
            result.completeExceptionally(e);
        }
    }
}
