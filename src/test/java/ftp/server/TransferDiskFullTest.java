package ftp.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full disk while an upload is written (ENOSPC), on a real 5 MiB tmpfs holding the homes: 452, the
 * session and server go on, the partial is kept and listed like any unfinished upload, the quota matches
 * the disk, and once there is space again REST+STOR completes the file with the right MD5. Needs the
 * right to mount a tmpfs (root, as in CI); fails with a clear message when that is missing.
 */
class TransferDiskFullTest {

    @Test
    void diskFullIs452AndThePartialResumesOnceThereIsSpace() throws Exception {
        Path mount = Files.createTempDirectory("ftpd-full");
        run("mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", mount.toString());
        try (TestServer server = TestServer.start("home.root=" + mount, "quota.default=none")) {
            byte[] whole = new byte[10 << 20];
            new Random(5).nextBytes(whole);
            Path file = mount.resolve("alice/big.bin");
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                String reply = c.upload("STOR big.bin", whole);
                assertThat(reply).startsWith("452");
                assertThat(c.command("NOOP")).startsWith("200");
                long kept = Files.size(file);
                assertThat(kept).isPositive().isLessThan(5 << 20);
                assertThat(Files.readAllBytes(file)).isEqualTo(Arrays.copyOf(whole, (int) kept));
                assertThat(c.command("SITE UPLOADS")).contains("\n " + kept + " ? /big.bin\n");
                assertThat(c.command("SITE QUOTA")).contains("\nused: " + server.diskUsage("alice") + "\n");
                try (ControlClient other = ControlClient.loggedIn(server.port(), "bob", "secret")) {
                    assertThat(other.command("PWD")).startsWith("257");
                }

                run("mount", "-o", "remount,size=20m", mount.toString());
                assertThat(c.command("REST " + kept)).startsWith("350");
                assertThat(c.upload("STOR big.bin", Arrays.copyOfRange(whole, (int) kept, whole.length)))
                        .startsWith("226");
                assertThat(c.command("HASH big.bin")).contains(" " + HashCommandsTest.md5(whole) + " ");
                assertThat(c.command("SITE UPLOADS")).doesNotContain("big.bin");
                assertThat(c.command("SITE QUOTA")).contains("\nused: " + whole.length + "\n");
            }
        } finally {
            run("umount", "-l", mount.toString());
            Files.deleteIfExists(mount);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (this test needs the right to mount"
                    + " a tmpfs, e.g. root in CI): " + out.trim());
        }
    }
}
