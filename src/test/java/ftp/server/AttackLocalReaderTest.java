package ftp.server;

import static ftp.server.AttackEvidence.attempt;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Another account of the server's machine reading what FTP users stored (issue 12, item 11): homes, the files
 * and folders uploaded into them, the bookkeeping and the transfer log must not be readable by every account.
 * The modes are read from the disk after real uploads and MKDs over sockets.
 */
class AttackLocalReaderTest {
    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** What the kernel leaves of {@code wanted} under this process's own umask, which the server cannot undo. */
    private static String underProcessUmask(String wanted, Path scratch) throws IOException {
        Path probe = Files.createDirectory(scratch.resolve("umask-probe")); // 0777 less the umask
        Set<PosixFilePermission> allowed = Files.getPosixFilePermissions(probe);
        Files.delete(probe);
        Set<PosixFilePermission> result = PosixFilePermissions.fromString(wanted);
        result.retainAll(allowed);
        return PosixFilePermissions.toString(result);
    }

    @Test
    void homesFilesFoldersBookkeepingAndTheTransferLogAreTheServersAlone() throws Exception {
        try (TestServer server = TestServer.start()) {
            try (ControlClient c = ControlClient.loggedIn(server.port(), "bob", "secret")) {
                assertThat(attempt(c, "STOR report.txt", "private\n".getBytes(StandardCharsets.UTF_8)).replies())
                        .endsWith("226 Transfer complete (8 bytes received).");
                assertThat(c.command("MKD folder")).startsWith("257");
                assertThat(attempt(c, "STOR folder/inner.txt", "x".getBytes(StandardCharsets.UTF_8)).replies())
                        .startsWith("150");
                assertThat(attempt(c, "RETR report.txt", null).replies()).startsWith("150");
            }
            Path home = server.home("bob");
            assertThat(mode(home)).as("the home, made at the first login").isEqualTo("rwx------");
            assertThat(mode(home.resolve(".upload"))).as("the bookkeeping folder").isEqualTo("rwx------");
            assertThat(mode(home.resolve("report.txt"))).as("an uploaded file").isEqualTo("rw-------");
            assertThat(mode(home.resolve("folder"))).as("a folder made by MKD").isEqualTo("rwx------");
            assertThat(mode(home.resolve("folder/inner.txt"))).isEqualTo("rw-------");
            Path xferlog = server.server().settings().logDir().resolve("xferlog");
            assertThat(server.xferlog()).hasSize(3);
            assertThat(mode(xferlog)).as("the transfer log").isEqualTo("rw-r-----");
        }
    }

    @Test
    void filesUmaskSetsTheModesTheServerCreates() throws Exception {
        try (TestServer server = TestServer.start("files.umask=027")) {
            try (ControlClient c = ControlClient.loggedIn(server.port(), "egon", "123")) {
                assertThat(attempt(c, "STOR shared.txt", "for the group\n".getBytes(StandardCharsets.UTF_8))
                        .replies()).startsWith("150");
                assertThat(c.command("MKD shared")).startsWith("257");
            }
            Path home = server.home("egon");
            assertThat(mode(home)).isEqualTo(underProcessUmask("rwxr-x---", server.base()));
            assertThat(mode(home.resolve("shared.txt"))).isEqualTo(underProcessUmask("rw-r-----", server.base()));
            assertThat(mode(home.resolve("shared"))).isEqualTo(underProcessUmask("rwxr-x---", server.base()));
        }
    }
}
