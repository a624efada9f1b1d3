package ftp.auth;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Decides a USER/PASS pair. Unknown, disabled and invalid names cost one PBKDF2 run at the configured
 * iteration count, like a wrong password, so neither the reply nor its timing tells whether a name exists.
 * Every PBKDF2 run needs one of {@code maxConcurrentHashes} permits: a flood of bad passwords can buy at
 * most that many cores, and a login that cannot get a permit within 5 seconds is answered {@link
 * LoginResult.Busy}. A recently verified password skips PBKDF2 through the {@link VerifiedLoginCache}.
 * Blocking: call it from a worker thread, never the event loop. Thread-safe.
 */
public final class Authenticator {
    private static final Duration PERMIT_WAIT = Duration.ofSeconds(5);
    private static final char[] MEASURE_PASSWORD = "measure-only".toCharArray();

    private final AccountStore store;
    private final VerifiedLoginCache cache;
    private final Semaphore hashPermits;
    private final int dummyIterations;
    private final Duration permitWait;

    /** {@code dummyIterations} should equal the iteration count new passwords are hashed with. */
    public Authenticator(AccountStore store, VerifiedLoginCache cache, int maxConcurrentHashes, int dummyIterations) {
        this(store, cache, fairPermits(maxConcurrentHashes), dummyIterations, PERMIT_WAIT);
    }

    /** Fair, so waiting logins are served in arrival order whatever their outcome will be. */
    private static Semaphore fairPermits(int maxConcurrentHashes) {
        if (maxConcurrentHashes < 1) {
            throw new IllegalArgumentException("maxConcurrentHashes must be at least 1");
        }
        return new Semaphore(maxConcurrentHashes, true);
    }

    /** Tests hold permits of {@code hashPermits} themselves and shorten the wait. */
    Authenticator(AccountStore store, VerifiedLoginCache cache, Semaphore hashPermits, int dummyIterations,
            Duration permitWait) {
        if (dummyIterations < 1 || dummyIterations > PasswordHasher.MAX_ITERATIONS) {
            throw new IllegalArgumentException("dummyIterations must be between 1 and " + PasswordHasher.MAX_ITERATIONS);
        }
        this.store = Objects.requireNonNull(store, "store");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.hashPermits = hashPermits;
        this.dummyIterations = dummyIterations;
        this.permitWait = permitWait;
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
                    PasswordHasher.burn(password, dummyIterations);
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
            try {
                ok = PasswordHasher.verify(password, account.passwordHash());
            } finally {
                hashPermits.release();
            }
            if (!ok) {
                return new LoginResult.Rejected();
            }
            cache.remember(account.name(), account.passwordHash(), password);
            return new LoginResult.Accepted(account);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new LoginResult.Busy();
        } finally {
            Arrays.fill(password, '\0');
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
            PasswordHasher.burn(MEASURE_PASSWORD, dummyIterations);
            return true;
        } finally {
            hashPermits.release();
        }
    }

    /** How long one PBKDF2 run at {@code iterations} takes on this machine, for settings advice and reports. */
    public static Duration measureCost(int iterations) {
        PasswordHasher.burn(MEASURE_PASSWORD, 1); // loads the provider so it is not counted
        long start = System.nanoTime();
        PasswordHasher.burn(MEASURE_PASSWORD, iterations);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private boolean acquirePermit() throws InterruptedException {
        return hashPermits.tryAcquire(permitWait.toNanos(), TimeUnit.NANOSECONDS);
    }
}
