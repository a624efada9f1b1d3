package ftp.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalInt;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 password hashes in the self-describing form
 * {@code pbkdf2-sha256:ITERATIONS:SALT:HASH} (standard Base64 alphabet, written without padding so a hash
 * never contains {@code =}, read with or without), so each account keeps the cost it was created with and
 * raising the default later does not lock anyone out. Stateless; any thread.
 */
public final class PasswordHasher {
    static final String SCHEME = "pbkdf2-sha256";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int KEY_BYTES = 32;
    private static final int MIN_SALT_BYTES = 8;
    /** A typo in the accounts file must not turn one login into minutes of CPU. */
    static final int MAX_ITERATIONS = 10_000_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Fixed salt for {@link #burn}: its result is thrown away, only its cost matters. */
    private static final byte[] DUMMY_SALT = new byte[SALT_BYTES];

    private PasswordHasher() {}

    /** Hashes with a fresh random salt. The caller keeps ownership of {@code password}; it is not wiped. */
    public static String hash(char[] password, int iterations) {
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be between 1 and " + MAX_ITERATIONS);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] key = derive(password, salt, iterations, KEY_BYTES);
        try {
            Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            return SCHEME + ':' + iterations + ':' + b64.encodeToString(salt) + ':' + b64.encodeToString(key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** True when {@code password} matches; false for a wrong password and for any malformed {@code encoded}. */
    public static boolean verify(char[] password, String encoded) {
        Optional<Parsed> parsed = parse(encoded);
        if (parsed.isEmpty()) {
            return false;
        }
        Parsed p = parsed.get();
        byte[] key = derive(password, p.salt, p.iterations, p.key.length);
        try {
            return MessageDigest.isEqual(key, p.key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Spends what one verification at {@code iterations} costs, so an unknown user is not answered sooner. */
    public static void burn(char[] password, int iterations) {
        byte[] key = derive(password, DUMMY_SALT, Math.max(1, Math.min(iterations, MAX_ITERATIONS)), KEY_BYTES);
        Arrays.fill(key, (byte) 0);
    }

    /** Whether {@code encoded} has the form {@link #hash} produces; lets the accounts file reject typos early. */
    static boolean isWellFormed(String encoded) {
        return parse(encoded).isPresent();
    }

    /** The iteration count {@code encoded} was hashed with; empty when it is not a well-formed hash. */
    static OptionalInt iterationsOf(String encoded) {
        return parse(encoded).map(p -> OptionalInt.of(p.iterations)).orElse(OptionalInt.empty());
    }

    private record Parsed(int iterations, byte[] salt, byte[] key) {}

    private static Optional<Parsed> parse(String encoded) {
        if (encoded == null) {
            return Optional.empty();
        }
        String[] parts = encoded.split(":", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)
                || parts[1].isEmpty() || parts[1].length() > 9 || !parts[1].chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        int iterations = Integer.parseInt(parts[1]);
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            return Optional.empty();
        }
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] key = Base64.getDecoder().decode(parts[3]);
            if (salt.length < MIN_SALT_BYTES || key.length != KEY_BYTES) {
                return Optional.empty();
            }
            return Optional.of(new Parsed(iterations, salt, key));
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int keyBytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, keyBytes * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every Java 17 runtime", e);
        } finally {
            spec.clearPassword();
        }
    }
}
