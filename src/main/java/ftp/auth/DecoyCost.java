package ftp.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What checking the password of a name without an enabled account costs: the PBKDF2 iteration count of one
 * of the accounts, taken at the quantile a keyed hash of the name gives in the sorted counts. So names that
 * do not exist spread over the costs the way the accounts do, also while the accounts move to a raised
 * {@code auth.pbkdf2_iterations} (and for the dormant ones that never do), and one name always costs the
 * same. A single cost for every unknown name would tell apart each account whose cost differs from it. The
 * key is random per process, so no one can compute which cost a name that does not exist would show.
 * Without accounts, the configured cost. Thread-safe.
 */
final class DecoyCost {
    private static final String MAC = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AccountStore store;
    private final int withoutAccounts;
    private final SecretKeySpec key;

    DecoyCost(AccountStore store, int withoutAccounts) {
        this.store = Objects.requireNonNull(store, "store");
        this.withoutAccounts = withoutAccounts;
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        this.key = new SecretKeySpec(secret, MAC);
        Arrays.fill(secret, (byte) 0);
    }

    /** The iteration count to spend on a failed check of {@code name} (null for no name at all). */
    int iterationsFor(String name) {
        List<Integer> counts = store.iterationCounts();
        if (counts.isEmpty()) {
            return withoutAccounts;
        }
        double quantile = (position(name == null ? "" : name) >>> 11) * 0x1.0p-53; // uniform in [0, 1)
        return counts.get((int) (quantile * counts.size()));
    }

    private long position(String name) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(key);
            return ByteBuffer.wrap(mac.doFinal(name.getBytes(StandardCharsets.UTF_8))).getLong();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC + " is part of every Java 17 runtime", e);
        }
    }
}
