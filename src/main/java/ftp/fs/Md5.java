package ftp.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * MD5 as HASH, XMD5 and RANG answer it: hex text, and the digest of a byte range of an open file read with
 * positional reads (the channel's own position is left alone, so a transfer may share it). Each thread
 * reuses one 1 MiB direct buffer: the pool's threads are few and long-lived, so this stays bounded.
 * Stateless apart from that buffer; blocking: worker threads only.
 */
public final class Md5 {
    private static final int BUFFER_BYTES = 1 << 20;
    private static final ThreadLocal<ByteBuffer> BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER_BYTES));

    private Md5() {}

    /** Lower-case hex, as HASH and XMD5 reply. */
    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    /** A fresh MD5 digest, for hashing bytes as they pass during a transfer. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }

    /**
     * The hex MD5 of bytes {@code start} (inclusive) to {@code end} (exclusive) of {@code channel}; a range
     * reaching past the end of the file covers what is there. Interrupting the thread stops the read (and
     * closes the channel, as interruptible channels do).
     */
    public static String digest(FileChannel channel, long start, long end) throws IOException {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad range " + start + "-" + end);
        }
        MessageDigest md5 = newDigest();
        ByteBuffer buffer = BUFFER.get();
        long position = start;
        while (position < end) {
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), end - position));
            int read = channel.read(buffer, position);
            if (read < 0) {
                break;
            }
            buffer.flip();
            md5.update(buffer);
            position += read;
        }
        return hex(md5.digest());
    }
}
