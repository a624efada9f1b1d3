package ftp.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HASH (draft-bryan-ftpext-hash), RANG and XMD5 against MD5 computed here, the digest an upload stores
 * while it receives (also for a resumed upload: the whole file's), and the cache keyed by size and mtime.
 */
class HashCommandsTest {
    private static TestServer server;
    private static byte[] content;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        content = new byte[5_000_000];
        new Random(3).nextBytes(content);
        server.write("alice", "dir/file.bin", content);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void hashRangAndXmd5MatchLocalDigests() {
        try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            assertThat(c.command("FEAT")).contains(" HASH MD5*").contains(" XMD5");
            assertThat(c.command("OPTS HASH MD5")).startsWith("200");
            assertThat(c.command("OPTS HASH SHA-512")).startsWith("501");
            assertThat(c.command("HASH dir/file.bin"))
                    .isEqualTo("213 MD5 0-" + content.length + " " + md5(content) + " /dir/file.bin");
            assertThat(c.command("XMD5 /dir/file.bin")).isEqualTo("250 " + md5(content));

            assertThat(c.command("RANG 1000 2000000")).startsWith("350");
            assertThat(c.command("HASH dir/file.bin"))
                    .isEqualTo("213 MD5 1000-2000000 " + md5(Arrays.copyOfRange(content, 1000, 2_000_000))
                            + " /dir/file.bin");
            // The range held for one HASH only.
            assertThat(c.command("HASH dir/file.bin")).contains(" 0-" + content.length + " ");
            assertThat(c.command("RANG 10 5")).startsWith("501");
            assertThat(c.command("HASH nothing-here")).startsWith("550");
            assertThat(c.command("HASH dir")).startsWith("550");
        }
    }

    @Test
    void anUploadStoresItsDigestAndAResumedOneTheWholeFiles() throws IOException {
        byte[] whole = Arrays.copyOf(content, 3_000_000);
        try (ControlClient c = ControlClient.loggedIn(server.port(), "bob", "secret")) {
            assertThat(c.command("ALLO 3000000")).startsWith("200");
            assertThat(c.upload("STOR up.bin", Arrays.copyOf(whole, 1_234_567))).startsWith("426");
            assertThat(c.command("RANG 0 1234567")).startsWith("350");
            assertThat(c.command("HASH up.bin")).contains(" " + md5(Arrays.copyOf(whole, 1_234_567)) + " ");
            assertThat(c.command("REST 1234567")).startsWith("350");
            assertThat(c.upload("STOR up.bin", Arrays.copyOfRange(whole, 1_234_567, whole.length)))
                    .startsWith("226");

            // Change the bytes behind the server's back but keep size, mtime and inode: a HASH that still
            // answers the uploaded digest proves it came from what the upload computed, not a re-read.
            // The first HASH waits for the upload's digest (it may still be catching up) to finish reading.
            assertThat(c.command("HASH up.bin")).isEqualTo("213 MD5 0-3000000 " + md5(whole) + " /up.bin");
            Path file = server.home("bob").resolve("up.bin");
            FileTime mtime = Files.getLastModifiedTime(file);
            Object inode = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            Files.write(file, new byte[whole.length], StandardOpenOption.WRITE);
            Files.setLastModifiedTime(file, mtime);
            assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey()).isEqualTo(inode);
            assertThat(c.command("HASH up.bin")).isEqualTo("213 MD5 0-3000000 " + md5(whole) + " /up.bin");

            // Another file moved over it (as another node's upload would), same size and mtime: read again.
            byte[] other = Arrays.copyOf(content, whole.length);
            other[0] ^= 1;
            Path swapped = Files.write(server.base().resolve("swapped.bin"), other);
            Files.setLastModifiedTime(swapped, mtime);
            Files.move(swapped, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertThat(c.command("HASH up.bin")).isEqualTo("213 MD5 0-3000000 " + md5(other) + " /up.bin");
            Files.write(file, new byte[whole.length]);
            Files.setLastModifiedTime(file, mtime);

            // A new mtime is a new version: read again.
            Files.setLastModifiedTime(file, FileTime.fromMillis(mtime.toMillis() - 60_000));
            assertThat(c.command("XMD5 up.bin")).isEqualTo("250 " + md5(new byte[whole.length]));
        }
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
