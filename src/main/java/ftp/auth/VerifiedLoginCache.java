package ftp.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers, in memory only, that a user's password was recently verified, so a client that logs in again
 * and again (one login per transfer is common) does not cost a PBKDF2 run each time. For each user name it
 * keeps HMAC-SHA256(per-process random secret, name NUL storedHash NUL password): no password or cheap
 * password hash is kept, and because the stored hash is part of the input a password change invalidates
 * the entry by itself. The trade-off: someone who can read this process's memory could guess cached
 * passwords at HMAC speed, but such a reader already sees passwords arrive. At most {@code capacity} users,
 * least recently used forgotten first. Thread-safe: any thread.
 */
public final class VerifiedLoginCache {
    private static final String MAC = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec secret;
    private final Map<String, byte[]> verified; // guarded by itself

    /** {@code capacity} 0 remembers nothing. */
    public VerifiedLoginCache(int capacity) {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        this.secret = new SecretKeySpec(key, MAC);
        Arrays.fill(key, (byte) 0);
        this.verified = new BoundedLruMap<>(capacity);
    }

    /** True when this exact password was remembered for {@code name} while its stored hash was {@code encodedHash}. */
    public boolean matches(String name, String encodedHash, char[] password) {
        byte[] expected;
        synchronized (verified) {
            expected = verified.get(name);
        }
        return expected != null && MessageDigest.isEqual(expected, tag(name, encodedHash, password));
    }

    /** Call only after {@link PasswordHasher#verify} accepted {@code password} against {@code encodedHash}. */
    public void remember(String name, String encodedHash, char[] password) {
        byte[] tag = tag(name, encodedHash, password);
        synchronized (verified) {
            verified.put(name, tag);
        }
    }

    private byte[] tag(String name, String encodedHash, char[] password) {
        ByteBuffer pw = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(secret);
            mac.update(name.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(encodedHash.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(pw.array(), pw.arrayOffset() + pw.position(), pw.remaining());
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC + " is part of every Java 17 runtime", e);
        } finally {
            Arrays.fill(pw.array(), (byte) 0);
        }
    }
}
