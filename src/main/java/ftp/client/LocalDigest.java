package ftp.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * MD5 of local files, whole or a prefix, to compare with what the server computes (HASH, RANG, XMD5). A digest of a
 * prefix can go on with the bytes of a resumed transfer, so the whole file is never read twice. Stateless; any
 * thread.
 */
final class LocalDigest {
    private LocalDigest() {}

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    /** A digest that has seen the first {@code length} bytes of {@code file}. */
    static MessageDigest ofPrefix(Path file, long length) throws IOException {
        MessageDigest md5 = md5();
        byte[] buffer = new byte[256 * 1024];
        long left = length;
        try (InputStream in = Files.newInputStream(file)) {
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new EOFException(file + " is shorter than " + length + " bytes");
                }
                md5.update(buffer, 0, n);
                left -= n;
            }
        }
        return md5;
    }

    /** The hex form of what {@code digest} has seen so far, leaving it usable. */
    static String hex(MessageDigest digest) {
        try {
            return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's MD5 can be cloned", e);
        }
    }
}
