package ftp.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's ledgers, one per account, so every session of a user shares one. Holds one entry per
 * account that has logged in since the start (call {@link #forget} when an account is deleted).
 * Thread-safe; {@link #ledgerFor} blocks on the first measurement: worker threads only.
 */
public final class QuotaRegistry {
    private final ConcurrentHashMap<String, QuotaLedger> ledgers = new ConcurrentHashMap<>();

    /**
     * The user's ledger with the limits applied (bytes, and files and folders). The first call since the start
     * measures the home; a concurrent call for the same user waits for that measurement rather than measuring twice.
     */
    public QuotaLedger ledgerFor(String user, Path home, OptionalLong limit, OptionalLong fileLimit)
            throws IOException {
        QuotaLedger ledger = ledgers.computeIfAbsent(user, u -> new QuotaLedger(u, limit, fileLimit));
        ledger.setLimits(limit, fileLimit);
        ledger.recomputeOnce(home);
        return ledger;
    }

    /** Drops a deleted account's ledger. */
    public void forget(String user) {
        ledgers.remove(user);
    }
}
