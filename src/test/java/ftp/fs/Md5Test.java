package ftp.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Md5Test {
    @TempDir
    Path dir;

    @Test
    void knownVectors() throws Exception {
        Path file = dir.resolve("fox");
        Files.writeString(file, "The quick brown fox jumps over the lazy dog", StandardCharsets.US_ASCII);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThat(Md5.digest(channel, 0, Files.size(file))).isEqualTo("9e107d9d372bb6826bd81d3542a419d6");
            assertThat(Md5.digest(channel, 0, 0)).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
            assertThat(Md5.digest(channel, 4, 9)).isEqualTo(Md5.hex(Md5.newDigest().digest("quick".getBytes(
                    StandardCharsets.US_ASCII))));
            assertThat(Md5.digest(channel, 0, Long.MAX_VALUE)).as("past the end covers what is there")
                    .isEqualTo("9e107d9d372bb6826bd81d3542a419d6");
            assertThat(channel.position()).as("positional reads leave the position alone").isZero();
        }
    }

    @Test
    void rangesLargerThanTheBufferMatchAWholeDigest() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        Path file = dir.resolve("big");
        Files.write(file, data);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThat(Md5.digest(channel, 0, data.length)).isEqualTo(Md5.hex(Md5.newDigest().digest(data)));
        }
    }

    @Test
    void hashCacheKeysOnSizeAndTimeAndForgetsTheLeastRecentlyUsed() {
        HashCache cache = new HashCache(2);
        FileTime t = FileTime.fromMillis(1000);
        cache.store("egon", "/a", 10, t, null, "aa");
        assertThat(cache.lookup("egon", "/a", 10, t, null)).hasValueSatisfying(f -> assertThat(f.join()).isEqualTo("aa"));
        assertThat(cache.lookup("egon", "/a", 11, t, null)).isEmpty();
        assertThat(cache.lookup("egon", "/a", 10, FileTime.fromMillis(1001), null)).isEmpty();
        assertThat(cache.lookup("alex", "/a", 10, t, null)).isEmpty();
        cache.store("egon", "/b", 1, t, null, "bb");
        cache.lookup("egon", "/a", 10, t, null);
        cache.store("egon", "/c", 1, t, null, "cc");
        assertThat(cache.lookup("egon", "/b", 1, t, null)).as("least recently used is dropped").isEmpty();
        assertThat(cache.lookup("egon", "/a", 10, t, null)).hasValueSatisfying(f -> assertThat(f.join()).isEqualTo("aa"));
    }
}
