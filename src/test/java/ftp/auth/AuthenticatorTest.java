package ftp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthenticatorTest {
    private static final int ITERATIONS = 2000;

    @TempDir
    Path dir;

    private AccountStore storeWithUsers(int iterations) {
        AccountStore store = new AccountStore(dir.resolve("accounts.ini"), OptionalLong.of(1000), OptionalLong.empty());
        store.add("egon", "123".toCharArray(), null, iterations);
        store.add("shx", "123".toCharArray(), null, iterations);
        store.setEnabled("shx", false);
        return store;
    }

    private static LoginResult login(Authenticator auth, String name, String password) {
        return auth.authenticate(name, password.toCharArray());
    }

    @Test
    void acceptsRightPasswordAndRejectsEverythingElse() {
        Authenticator auth = new Authenticator(storeWithUsers(ITERATIONS), new VerifiedLoginCache(10), 2, ITERATIONS);

        LoginResult ok = login(auth, "egon", "123");
        assertThat(ok).isInstanceOf(LoginResult.Accepted.class);
        assertThat(((LoginResult.Accepted) ok).account().name()).isEqualTo("egon");
        assertThat(((LoginResult.Accepted) ok).account().quota()).hasValue(1000);
        assertThat(login(auth, "egon", "124")).isEqualTo(new LoginResult.Rejected());
        assertThat(login(auth, "shx", "123")).as("disabled").isEqualTo(new LoginResult.Rejected());
        assertThat(login(auth, "nobody", "123")).isEqualTo(new LoginResult.Rejected());
        assertThat(login(auth, "Egon", "123")).isEqualTo(new LoginResult.Rejected());
        assertThat(login(auth, "../egon", "123")).isEqualTo(new LoginResult.Rejected());
        assertThat(login(auth, null, "123")).isEqualTo(new LoginResult.Rejected());
    }

    @Test
    void passwordArrayIsWipedWhateverTheOutcome() {
        Authenticator auth = new Authenticator(storeWithUsers(ITERATIONS), new VerifiedLoginCache(10), 1, ITERATIONS);
        for (String name : new String[] {"egon", "egon", "nobody"}) {
            char[] password = "123".toCharArray();
            auth.authenticate(name, password);
            assertThat(password).as(name).containsOnly('\0');
        }
    }

    @Test
    void unknownUserTakesAboutAsLongAsWrongPassword() {
        int iterations = 20_000;
        Authenticator auth = new Authenticator(storeWithUsers(iterations), new VerifiedLoginCache(10), 1, iterations);
        login(auth, "egon", "warm up");
        login(auth, "nobody", "warm up");
        int rounds = 9;
        long[] wrong = new long[rounds];
        long[] unknown = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            wrong[i] = timed(() -> login(auth, "egon", "wrong"));
            unknown[i] = timed(() -> login(auth, "nobody", "wrong"));
        }

        double ratio = (double) median(unknown) / median(wrong);
        assertThat(ratio).as("unknown/wrong median time").isBetween(1 / 3.0, 3.0);
    }

    @Test
    void rememberedLoginSkipsHashingButPasswordChangeForgetsIt() {
        AccountStore store = storeWithUsers(ITERATIONS);
        Semaphore permits = new Semaphore(1);
        Authenticator auth = new Authenticator(store, new VerifiedLoginCache(10), permits, ITERATIONS, Duration.ofMillis(50),
                Authenticator.PBKDF2);
        assertThat(login(auth, "egon", "123")).isInstanceOf(LoginResult.Accepted.class);

        permits.acquireUninterruptibly(); // no PBKDF2 can run now
        try {
            assertThat(login(auth, "egon", "123")).as("cache hit").isInstanceOf(LoginResult.Accepted.class);
            assertThat(login(auth, "egon", "wrong")).as("miss needs a permit").isEqualTo(new LoginResult.Busy());

            store.setPassword("egon", "456".toCharArray(), ITERATIONS);
            assertThat(login(auth, "egon", "123")).as("old password no longer cached").isEqualTo(new LoginResult.Busy());
        } finally {
            permits.release();
        }
        assertThat(login(auth, "egon", "123")).isEqualTo(new LoginResult.Rejected());
        assertThat(login(auth, "egon", "456")).isInstanceOf(LoginResult.Accepted.class);
    }

    @Test
    void cachedLoginIsMuchFasterThanAFullHash() {
        int iterations = 200_000;
        Authenticator auth = new Authenticator(storeWithUsers(iterations), new VerifiedLoginCache(10), 1, iterations);

        long first = timed(() -> login(auth, "egon", "123"));
        // The fastest of a few: a pause of a busy machine during one cached login must not pass for a hash.
        long cached = LongStream.range(0, 5).map(i -> timed(() -> login(auth, "egon", "123"))).min().getAsLong();

        assertThat(cached).isLessThan(first / 5);
    }

    @Test
    void busyWhenNoHashPermitComesInTimeForKnownAndUnknownUsers() {
        Semaphore permits = new Semaphore(1);
        Authenticator auth = new Authenticator(storeWithUsers(ITERATIONS), new VerifiedLoginCache(10), permits, ITERATIONS,
                Duration.ofMillis(50), Authenticator.PBKDF2);
        permits.acquireUninterruptibly();
        try {
            assertThat(login(auth, "egon", "123")).isEqualTo(new LoginResult.Busy());
            assertThat(login(auth, "nobody", "123")).isEqualTo(new LoginResult.Busy());
            assertThat(login(auth, "shx", "123")).isEqualTo(new LoginResult.Busy());
        } finally {
            permits.release();
        }
        assertThat(permits.availablePermits()).as("nothing leaked").isEqualTo(1);
        assertThat(login(auth, "egon", "123")).isInstanceOf(LoginResult.Accepted.class);
        assertThat(permits.availablePermits()).isEqualTo(1);
    }

    @Test
    void aWarmUpHashesUnderAPermitAndGivesItBack() {
        Semaphore permits = new Semaphore(1);
        Authenticator auth = new Authenticator(storeWithUsers(ITERATIONS), new VerifiedLoginCache(10), permits, ITERATIONS,
                Duration.ofMillis(50), Authenticator.PBKDF2);
        permits.acquireUninterruptibly();
        assertThat(auth.warmUp()).as("no permit: a flood of logins is not joined by the warm-up").isFalse();
        permits.release();
        assertThat(auth.warmUp()).isTrue();
        assertThat(permits.availablePermits()).isEqualTo(1);
    }

    /** PBKDF2 as the server runs it, adding up the iterations each login spends. */
    private static final class CountingHashing implements Authenticator.Hashing {
        private long spent;
        private Runnable beforeHash = () -> { };

        @Override
        public boolean verify(char[] password, String encoded) {
            spent += PasswordHasher.iterationsOf(encoded).orElseThrow();
            return Authenticator.PBKDF2.verify(password, encoded);
        }

        @Override
        public void burn(char[] password, int iterations) {
            spent += iterations;
            Authenticator.PBKDF2.burn(password, iterations);
        }

        @Override
        public String hash(char[] password, int iterations) {
            beforeHash.run();
            spent += iterations;
            return Authenticator.PBKDF2.hash(password, iterations);
        }

        /** Iterations spent since the last call. */
        long take() {
            long s = spent;
            spent = 0;
            return s;
        }
    }

    private AccountStore storeOfThree(int iterations) {
        AccountStore store = new AccountStore(dir.resolve("accounts.ini"), OptionalLong.empty(), OptionalLong.empty());
        for (String name : new String[] {"egon", "bob", "carol"}) {
            store.add(name, "123".toCharArray(), null, iterations);
        }
        return store;
    }

    private static int storedCost(AccountStore store, String name) {
        return PasswordHasher.iterationsOf(store.find(name).orElseThrow().passwordHash()).orElseThrow();
    }

    private static Authenticator counted(AccountStore store, int iterations, CountingHashing hashing) {
        return new Authenticator(store, new VerifiedLoginCache(10), new Semaphore(1), iterations, Duration.ofSeconds(5),
                hashing);
    }

    @Test
    void afterTheCostIsRaisedAnUnknownNameStillCostsWhatAStoredHashCosts() {
        CountingHashing hashing = new CountingHashing();
        Authenticator auth = counted(storeOfThree(ITERATIONS), 3 * ITERATIONS, hashing);

        assertThat(login(auth, "egon", "wrong")).isEqualTo(new LoginResult.Rejected());
        long wrongPassword = hashing.take();
        assertThat(login(auth, "nobody", "wrong")).isEqualTo(new LoginResult.Rejected());
        long unknownName = hashing.take();

        assertThat(wrongPassword).isEqualTo(ITERATIONS);
        assertThat(unknownName).as("the decoy costs what the accounts' hashes cost, not the new setting")
                .isEqualTo(wrongPassword);
    }

    @Test
    void aLoginStoresTheHashAtTheNewCostAndTheDecoyFollowsTheAccounts() {
        AccountStore store = storeOfThree(ITERATIONS);
        CountingHashing hashing = new CountingHashing();
        Semaphore permits = new Semaphore(1);
        Authenticator auth = new Authenticator(store, new VerifiedLoginCache(10), permits, 3 * ITERATIONS,
                Duration.ofMillis(50), hashing);

        assertThat(login(auth, "egon", "123")).isInstanceOf(LoginResult.Accepted.class);
        assertThat(hashing.take()).as("verified at the old cost, hashed again at the new").isEqualTo(4L * ITERATIONS);
        assertThat(storedCost(store, "egon")).isEqualTo(3 * ITERATIONS);
        assertThat(storedCost(store, "bob")).as("not logged in yet").isEqualTo(ITERATIONS);

        assertThat(login(auth, "bob", "123")).isInstanceOf(LoginResult.Accepted.class);
        assertThat(login(auth, "carol", "123")).isInstanceOf(LoginResult.Accepted.class);
        hashing.take();
        assertThat(login(auth, "nobody", "x")).isEqualTo(new LoginResult.Rejected());
        assertThat(hashing.take()).as("every account has the new cost now").isEqualTo(3L * ITERATIONS);
        assertThat(login(auth, "egon", "wrong")).isEqualTo(new LoginResult.Rejected());
        assertThat(hashing.take()).isEqualTo(3L * ITERATIONS);

        permits.acquireUninterruptibly(); // no PBKDF2 can run now
        try {
            assertThat(login(auth, "egon", "123")).as("remembered under the new hash")
                    .isInstanceOf(LoginResult.Accepted.class);
        } finally {
            permits.release();
        }
        Authenticator afresh = counted(store, 3 * ITERATIONS, new CountingHashing());
        assertThat(login(afresh, "egon", "123")).isInstanceOf(LoginResult.Accepted.class);
        assertThat(login(afresh, "egon", "wrong")).isEqualTo(new LoginResult.Rejected());
    }

    @Test
    void aPasswordTheAdminChangesWhileTheOldOneIsHashedAgainIsKept() {
        AccountStore store = storeOfThree(ITERATIONS);
        CountingHashing hashing = new CountingHashing();
        hashing.beforeHash = () -> store.setPassword("egon", "456".toCharArray(), ITERATIONS);
        Authenticator auth = counted(store, 3 * ITERATIONS, hashing);

        assertThat(login(auth, "egon", "123")).as("right when it was checked").isInstanceOf(LoginResult.Accepted.class);

        assertThat(storedCost(store, "egon")).isEqualTo(ITERATIONS);
        Authenticator afresh = counted(store, ITERATIONS, new CountingHashing());
        assertThat(login(afresh, "egon", "456")).isInstanceOf(LoginResult.Accepted.class);
        assertThat(login(afresh, "egon", "123")).isEqualTo(new LoginResult.Rejected());
    }

    private static long timed(Runnable r) {
        long start = System.nanoTime();
        r.run();
        return System.nanoTime() - start;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
