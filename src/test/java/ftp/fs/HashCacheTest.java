package ftp.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashCacheTest {
    private static final FileTime T1 = FileTime.fromMillis(1_000);
    private static final FileTime T2 = FileTime.fromMillis(2_000);

    @TempDir
    Path dir;

    @Test
    void anAnswerServesOnlyTheVersionItWasComputedFor() {
        HashCache cache = new HashCache(10);
        cache.store("egon", "/a.txt", 5, T1, null, "abc");
        assertThat(cache.lookup("egon", "/a.txt", 5, T1, null)).hasValueSatisfying(f -> assertThat(f.join()).isEqualTo("abc"));
        assertThat(cache.lookup("egon", "/a.txt", 6, T1, null)).isEmpty();
        assertThat(cache.lookup("egon", "/a.txt", 5, T2, null)).isEmpty();
        assertThat(cache.lookup("alex", "/a.txt", 5, T1, null)).as("other users never share").isEmpty();
    }

    @Test
    void aFileReplacedWithTheSameSizeAndTimeMisses() {
        HashCache cache = new HashCache(10);
        cache.store("egon", "/a.txt", 5, T1, "inode-1", "abc");
        assertThat(cache.lookup("egon", "/a.txt", 5, T1, "inode-2"))
                .as("another node replaced the file: same name, size and time, another inode").isEmpty();
        assertThat(cache.lookup("egon", "/a.txt", 5, T1, "inode-1")).isPresent();
    }

    @Test
    void forgettingAFileCancelsItsDigestInProgress() {
        HashCache cache = new HashCache(10);
        CompletableFuture<String> pending = new CompletableFuture<>();
        cache.storePending("egon", "/big.bin", 1 << 30, T1, null, pending);
        cache.forget("egon", "/big.bin");
        assertThat(pending).isCancelled();
        assertThat(cache.lookup("egon", "/big.bin", 1 << 30, T1, null)).isEmpty();
    }

    @Test
    void aNewVersionCancelsTheOldOnesDigestButAFinishedAnswerStaysAsItWas() {
        HashCache cache = new HashCache(10);
        CompletableFuture<String> old = new CompletableFuture<>();
        cache.storePending("egon", "/f", 10, T1, null, old);
        cache.store("egon", "/f", 20, T2, null, "new");
        assertThat(old).isCancelled();
        assertThat(cache.lookup("egon", "/f", 20, T2, null)).isPresent();

        CompletableFuture<String> done = CompletableFuture.completedFuture("x");
        cache.storePending("egon", "/g", 1, T1, null, done);
        cache.forget("egon", "/g");
        assertThat(done).isCompletedWithValue("x");
    }

    @Test
    void theLeastRecentlyUsedAnswerGoesFirstAndItsDigestStops() {
        HashCache cache = new HashCache(2);
        CompletableFuture<String> first = new CompletableFuture<>();
        cache.storePending("egon", "/1", 1, T1, null, first);
        cache.store("egon", "/2", 1, T1, null, "two");
        cache.store("egon", "/3", 1, T1, null, "three");
        assertThat(first).isCancelled();
        assertThat(cache.lookup("egon", "/1", 1, T1, null)).isEmpty();
        assertThat(cache.lookup("egon", "/3", 1, T1, null)).isPresent();
    }

    @Test
    void aCancelledFollowingDigestLetsGoOfItsFileAtOnce() throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[4096]);
        FileChannel channel = FileChannel.open(file);
        FollowingDigest digest = new FollowingDigest(channel);
        digest.advance(4096);
        digest.result().cancel(false);
        assertThat(channel.isOpen()).as("the deleted file's space must not wait for the digest thread").isFalse();
        digest.run();  // a digest thread that picks it up afterwards stops at once
        assertThat(digest.result()).isCancelled();
    }
}
