package ftp.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FollowingDigestTest {
    @TempDir
    Path dir;

    @Test
    void digestsWhatTheWriterStoresWhileItWritesIncludingAKeptPrefix() throws Exception {
        Path file = dir.resolve("f.bin");
        byte[] prefix = new byte[300_000];
        new Random(1).nextBytes(prefix);
        Files.write(file, prefix); // a resumed upload keeps these bytes
        byte[] rest = new byte[5_000_000];
        new Random(2).nextBytes(rest);

        FollowingDigest digest = new FollowingDigest(FileChannel.open(file, StandardOpenOption.READ));
        Thread digester = new Thread(digest);
        digester.start();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long position = prefix.length;
            digest.advance(position);
            for (int off = 0; off < rest.length; off += 64 * 1024) {
                int n = Math.min(64 * 1024, rest.length - off);
                out.write(ByteBuffer.wrap(rest, off, n), position);
                position += n;
                digest.advance(position);
            }
            digest.finish(position);
        }
        MessageDigest expected = Md5.newDigest();
        expected.update(prefix);
        expected.update(rest);
        assertThat(digest.result().get(10, TimeUnit.SECONDS)).isEqualTo(Md5.hex(expected.digest()));
        digester.join(5000);
        assertThat(digester.isAlive()).isFalse();
    }

    @Test
    void anAbandonedUploadFailsTheResultAndFreesTheThread() throws Exception {
        Path file = Files.write(dir.resolve("g.bin"), new byte[1000]);
        FollowingDigest digest = new FollowingDigest(FileChannel.open(file, StandardOpenOption.READ));
        Thread digester = new Thread(digest);
        digester.start();
        digest.advance(500);
        digest.abandon();
        digester.join(5000);
        assertThat(digester.isAlive()).isFalse();
        assertThatThrownBy(() -> digest.result().get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }

    @Test
    void aFailedPendingAnswerLeavesTheCache() {
        HashCache cache = new HashCache(4);
        java.nio.file.attribute.FileTime t = java.nio.file.attribute.FileTime.fromMillis(1);
        java.util.concurrent.CompletableFuture<String> pending = new java.util.concurrent.CompletableFuture<>();
        cache.storePending("egon", "/a", 1, t, null, pending);
        assertThat(cache.lookup("egon", "/a", 1, t, null)).isPresent();
        pending.completeExceptionally(new IllegalStateException("abandoned"));
        assertThat(cache.lookup("egon", "/a", 1, t, null)).isEmpty();
    }

    @Test
    void anUploadThatOutrunsMd5IsDigestedWhenItSlowsDownOrEnds() throws Exception {
        Path file = dir.resolve("sparse.bin");
        long size = 1L << 30;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size); // sparse: reads as zeros, costs no disk
        }
        FollowingDigest digest = new FollowingDigest(FileChannel.open(file, StandardOpenOption.READ));
        Thread digester = new Thread(digest);
        digester.start();
        try {
            // Fast: 64 MiB at once, then 800 MB/s for 0.6 s: the digest holds back. The pace follows the clock,
            // not the count of sleeps, which a busy machine stretches into a pace MD5 could keep up with.
            long fastNanos = TimeUnit.MILLISECONDS.toNanos(600);
            long written = 64L << 20;
            digest.advance(written);
            long start = System.nanoTime();
            long elapsed;
            do {
                Thread.sleep(10);
                elapsed = Math.min(System.nanoTime() - start, fastNanos);
                written = (64L << 20) + elapsed * 4 / 5; // 800 MB/s is 0.8 bytes a nanosecond
                digest.advance(written);
            } while (elapsed < fastNanos);
            assertThat(digest.digested()).as("held back while the upload outran MD5").isLessThan(16L << 20);

            // Slow: 256 KiB every 20 ms (13 MB/s): within a check it catches up with what is there.
            long slowFrom = written;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (digest.digested() < slowFrom && System.nanoTime() < deadline) {
                Thread.sleep(20);
                written += 256 << 10;
                digest.advance(written);
            }
            assertThat(digest.digested()).as("caught up once the upload slowed down").isGreaterThanOrEqualTo(slowFrom);

            digest.finish(size);
            MessageDigest expected = Md5.newDigest();
            byte[] zeros = new byte[1 << 20];
            for (long n = 0; n < size; n += zeros.length) {
                expected.update(zeros);
            }
            assertThat(digest.result().get(60, TimeUnit.SECONDS)).isEqualTo(Md5.hex(expected.digest()));
        } finally {
            digest.abandon();
            digester.join(5000);
        }
    }
}
