package ftp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VerifiedLoginCacheTest {
    private static final String HASH = PasswordHasher.hash("123".toCharArray(), 1000);

    @Test
    void hitOnlyForTheRememberedPassword() {
        VerifiedLoginCache cache = new VerifiedLoginCache(10);
        assertThat(cache.matches("egon", HASH, "123".toCharArray())).isFalse();

        cache.remember("egon", HASH, "123".toCharArray());

        assertThat(cache.matches("egon", HASH, "123".toCharArray())).isTrue();
        assertThat(cache.matches("egon", HASH, "1234".toCharArray())).isFalse();
        assertThat(cache.matches("egon", HASH, "".toCharArray())).isFalse();
        assertThat(cache.matches("alex", HASH, "123".toCharArray())).isFalse();
    }

    @Test
    void changedStoredHashInvalidates() {
        VerifiedLoginCache cache = new VerifiedLoginCache(10);
        cache.remember("egon", HASH, "123".toCharArray());
        String newHash = PasswordHasher.hash("123".toCharArray(), 1000);

        assertThat(cache.matches("egon", newHash, "123".toCharArray())).isFalse();
    }

    @Test
    void boundedLeastRecentlyUsedFirst() {
        VerifiedLoginCache cache = new VerifiedLoginCache(2);
        cache.remember("a", HASH, "1".toCharArray());
        cache.remember("b", HASH, "1".toCharArray());
        assertThat(cache.matches("a", HASH, "1".toCharArray())).isTrue(); // a is now more recent than b

        cache.remember("c", HASH, "1".toCharArray());

        assertThat(cache.matches("a", HASH, "1".toCharArray())).isTrue();
        assertThat(cache.matches("b", HASH, "1".toCharArray())).isFalse();
        assertThat(cache.matches("c", HASH, "1".toCharArray())).isTrue();
    }

    @Test
    void passwordArrayIsLeftToTheCaller() {
        char[] password = "123".toCharArray();
        new VerifiedLoginCache(1).remember("egon", HASH, password);

        assertThat(password).containsExactly('1', '2', '3');
    }
}
