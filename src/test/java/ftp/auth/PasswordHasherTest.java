package ftp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private static final int ITERATIONS = 1000;

    @Test
    void hashThenVerifyRoundTrips() {
        String encoded = PasswordHasher.hash("123".toCharArray(), ITERATIONS);

        assertThat(encoded).startsWith("pbkdf2-sha256:1000:");
        assertThat(PasswordHasher.verify("123".toCharArray(), encoded)).isTrue();
    }

    @Test
    void wrongPasswordIsRefused() {
        String encoded = PasswordHasher.hash("123".toCharArray(), ITERATIONS);

        assertThat(PasswordHasher.verify("124".toCharArray(), encoded)).isFalse();
        assertThat(PasswordHasher.verify("".toCharArray(), encoded)).isFalse();
        assertThat(PasswordHasher.verify("1234".toCharArray(), encoded)).isFalse();
    }

    @Test
    void emptyAndNonAsciiPasswordsWork() {
        String empty = PasswordHasher.hash(new char[0], ITERATIONS);
        String chinese = PasswordHasher.hash("密码123".toCharArray(), ITERATIONS);

        assertThat(PasswordHasher.verify(new char[0], empty)).isTrue();
        assertThat(PasswordHasher.verify("密码123".toCharArray(), chinese)).isTrue();
        assertThat(PasswordHasher.verify("密码124".toCharArray(), chinese)).isFalse();
    }

    @Test
    void saltDiffersBetweenTwoHashesOfTheSamePassword() {
        String a = PasswordHasher.hash("123".toCharArray(), ITERATIONS);
        String b = PasswordHasher.hash("123".toCharArray(), ITERATIONS);

        assertThat(a.split(":")[2]).isNotEqualTo(b.split(":")[2]);
        assertThat(a.split(":")[3]).isNotEqualTo(b.split(":")[3]);
        assertThat(Base64.getDecoder().decode(a.split(":")[2])).hasSize(16);
        assertThat(Base64.getDecoder().decode(a.split(":")[3])).hasSize(32);
    }

    @Test
    void storedIterationCountIsHonoured() {
        String encoded = PasswordHasher.hash("123".toCharArray(), 2000);
        String[] p = encoded.split(":");

        assertThat(p[1]).isEqualTo("2000");
        String otherCount = p[0] + ":2001:" + p[2] + ":" + p[3];
        assertThat(PasswordHasher.verify("123".toCharArray(), otherCount)).isFalse();
    }

    @Test
    void tamperedOrMalformedEncodingsAreFalseNeverExceptions() {
        String good = PasswordHasher.hash("123".toCharArray(), ITERATIONS);
        String[] p = good.split(":");
        String flippedHash = p[0] + ":" + p[1] + ":" + p[2] + ":" + flipFirstChar(p[3]);
        String flippedSalt = p[0] + ":" + p[1] + ":" + flipFirstChar(p[2]) + ":" + p[3];
        String[] bad = {
            null, "", ":::", "123", good + ":", "pbkdf2-sha1:" + p[1] + ":" + p[2] + ":" + p[3],
            p[0] + ":0:" + p[2] + ":" + p[3], p[0] + ":-5:" + p[2] + ":" + p[3],
            p[0] + ":99999999999:" + p[2] + ":" + p[3], p[0] + ":x:" + p[2] + ":" + p[3],
            p[0] + ":" + p[1] + ":" + p[2] + ":", p[0] + ":" + p[1] + "::" + p[3],
            p[0] + ":" + p[1] + ":" + p[2] + ":not*base64", p[0] + ":" + p[1] + ":" + p[2] + ":" + p[3].substring(4),
            flippedHash, flippedSalt,
        };

        for (String encoded : bad) {
            assertThat(PasswordHasher.verify("123".toCharArray(), encoded)).as(String.valueOf(encoded)).isFalse();
        }
        assertThat(PasswordHasher.isWellFormed(good)).isTrue();
        assertThat(PasswordHasher.isWellFormed(p[0] + ":" + p[1] + ":" + p[2] + ":x")).isFalse();
    }

    @Test
    void writtenWithoutPaddingAndReadWithPadding() {
        String encoded = PasswordHasher.hash("123".toCharArray(), ITERATIONS);
        String[] p = encoded.split(":");
        String padded = p[0] + ":" + p[1] + ":" + p[2] + "==:" + p[3] + "=";

        assertThat(encoded).doesNotContain("=");
        assertThat(PasswordHasher.verify("123".toCharArray(), padded)).isTrue();
    }

    @Test
    void unreasonableIterationCountsAreRefusedWhenHashing() {
        assertThatThrownBy(() -> PasswordHasher.hash("1".toCharArray(), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PasswordHasher.hash("1".toCharArray(), PasswordHasher.MAX_ITERATIONS + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void callerKeepsThePasswordArrayIntact() {
        char[] password = "123".toCharArray();
        String encoded = PasswordHasher.hash(password, ITERATIONS);
        PasswordHasher.verify(password, encoded);
        PasswordHasher.burn(password, ITERATIONS);

        assertThat(password).containsExactly('1', '2', '3');
    }

    private static String flipFirstChar(String b64) {
        char c = b64.charAt(0);
        return (c == 'A' ? 'B' : 'A') + b64.substring(1);
    }
}
