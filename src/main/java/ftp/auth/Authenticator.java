package ftp.auth;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Decides a USER/PASS pair. Unknown, disabled and invalid names cost one PBKDF2 run at an iteration count
 * the accounts' hashes have ({@link DecoyCost}), like a wrong password, so neither the reply nor its timing
 * tells whether a name exists. A successful login whose hash has another cost than {@code iterations} (the
 * admin changed {@code auth.pbkdf2_iterations}) is hashed again at that cost and stored, so the accounts
 * converge on the setting. Every PBKDF2 run needs one of {@code maxConcurrentHashes} permits: a flood of bad
 * passwords can buy at most that many cores, and a login that cannot get a permit within 5 seconds is
 * answered {@link LoginResult.Busy}. A recently verified password skips PBKDF2 through the
 * {@link VerifiedLoginCache}. Blocking: call it from a worker thread, never the event loop. Thread-safe.
 */
public final class Authenticator {
    private static final Logger LOG = Logger.getLogger(Authenticator.class.getName());
    private static final Duration PERMIT_WAIT = Duration.ofSeconds(5);
    private static final char[] MEASURE_PASSWORD = "measure-only".toCharArray();

    /** The PBKDF2 runs a login spends; tests count their iterations. */
    interface Hashing {
        boolean verify(char[] password, String encoded);

        void burn(char[] password, int iterations);

        String hash(char[] password, int iterations);
    }

    static final Hashing PBKDF2 = new Hashing() {
        @Override
        public boolean verify(char[] password, String encoded) {
            return PasswordHasher.verify(password, encoded);
        }

        @Override
        public void burn(char[] password, int iterations) {
            PasswordHasher.burn(password, iterations);
        }

        @Override
        public String hash(char[] password, int iterations) {
            return PasswordHasher.hash(password, iterations);
        }
    };

    private final AccountStore store;
    private final DecoyCost decoy;
    private final VerifiedLoginCache cache;
    private final Semaphore hashPermits;
    private final int iterations;
    private final Duration permitWait;
    private final Hashing hashing;

    /** {@code iterations} is the cost new passwords are hashed with ({@code auth.pbkdf2_iterations}). */
    public Authenticator(AccountStore store, VerifiedLoginCache cache, int maxConcurrentHashes, int iterations) {
        this(store, cache, fairPermits(maxConcurrentHashes), iterations, PERMIT_WAIT, PBKDF2);
    }

    /** Fair, so waiting logins are served in arrival order whatever their outcome will be. */
    private static Semaphore fairPermits(int maxConcurrentHashes) {
        if (maxConcurrentHashes < 1) {
            throw new IllegalArgumentException("maxConcurrentHashes must be at least 1");
        }
        return new Semaphore(maxConcurrentHashes, true);
    }

    /** Tests hold permits of {@code hashPermits} themselves, shorten the wait and count the hashing. */
    Authenticator(AccountStore store, VerifiedLoginCache cache, Semaphore hashPermits, int iterations,
            Duration permitWait, Hashing hashing) {
        if (iterations < 1 || iterations > PasswordHasher.MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be between 1 and " + PasswordHasher.MAX_ITERATIONS);
        }
        this.store = Objects.requireNonNull(store, "store");
        this.decoy = new DecoyCost(store, iterations);
        this.cache = Objects.requireNonNull(cache, "cache");
        this.hashPermits = hashPermits;
        this.iterations = iterations;
        this.permitWait = permitWait;
        this.hashing = Objects.requireNonNull(hashing, "hashing");
    }

    /**
     * Checks {@code password} for {@code name}. Takes ownership of {@code password}: the array is wiped
     * before this returns, whatever the outcome.
     */
    public LoginResult authenticate(String name, char[] password) {
        try {
            Optional<Account> found = AccountStore.isValidName(name) ? store.find(name) : Optional.empty();
            if (found.isEmpty() || !found.get().enabled()) {
                if (!acquirePermit()) {
                    return new LoginResult.Busy();
                }
                try {
                    hashing.burn(password, decoy.iterationsFor(name));
                } finally {
                    hashPermits.release();
                }
                return new LoginResult.Rejected();
            }
            Account account = found.get();
            if (cache.matches(account.name(), account.passwordHash(), password)) {
                return new LoginResult.Accepted(account);
            }
            if (!acquirePermit()) {
                return new LoginResult.Busy();
            }
            boolean ok;
            String rehashed = null;
            try {
                ok = hashing.verify(password, account.passwordHash());
                if (ok && !PasswordHasher.iterationsOf(account.passwordHash()).equals(OptionalInt.of(iterations))) {
                    rehashed = hashing.hash(password, iterations); // same permit: it is one more PBKDF2 run
                }
            } finally {
                hashPermits.release();
            }
            if (!ok) {
                return new LoginResult.Rejected();
            }
            String stored = rehashed != null && storeRehashed(account, rehashed) ? rehashed : account.passwordHash();
            cache.remember(account.name(), stored, password);
            return new LoginResult.Accepted(account);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new LoginResult.Busy();
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Stores {@code rehashed} unless the admin changed the password meanwhile; a failure costs the login nothing. */
    private boolean storeRehashed(Account account, String rehashed) {
        try {
            boolean replaced = store.replaceHash(account.name(), account.passwordHash(), rehashed);
            if (replaced) {
                LOG.info(() -> "password hash of " + account.name() + " now has " + iterations + " iterations");
            }
            return replaced;
        } catch (UncheckedIOException | IllegalStateException e) {
            LOG.warning("cannot store the password hash of " + account.name() + " at " + iterations
                    + " iterations: " + e.getMessage());
            return false;
        }
    }

    /**
     * One throw-away PBKDF2 run at the configured cost, under a permit like any login, so the JIT has compiled
     * the hash loop before the first user logs in: that user then pays the hash (about 130 ms at 600,000
     * iterations here), not the hash plus its compilation (about twice that). False if no permit came in time.
     */
    public boolean warmUp() {
        try {
            if (!acquirePermit()) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            hashing.burn(MEASURE_PASSWORD, iterations);
            return true;
        } finally {
            hashPermits.release();
        }
    }

    private boolean acquirePermit() throws InterruptedException {
        return hashPermits.tryAcquire(permitWait.toNanos(), TimeUnit.NANOSECONDS);
    }
}
