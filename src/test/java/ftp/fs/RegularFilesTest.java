package ftp.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ftp.testing.Fifos;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening by name what may have been swapped for a FIFO: refused at once, never waited for. Each case has a
 * deadline far above what a refusal takes, and releases the FIFO afterwards, so a regression fails here
 * instead of hanging the suite.
 */
class RegularFilesTest {
    private static final Duration AT_ONCE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private SecureDirectoryStream<Path> handle() throws Exception {
        return (SecureDirectoryStream<Path>) Files.newDirectoryStream(dir);
    }

    @Test
    void aFifoInPlaceOfAFileIsRefusedAtOnce() throws Exception {
        Path fifo = Fifos.make(dir.resolve("file.bin"));
        try (SecureDirectoryStream<Path> handle = handle()) {
            assertTimeoutPreemptively(AT_ONCE, () -> assertThatThrownBy(
                    () -> RegularFiles.open(handle, fifo.getFileName())).isInstanceOfSatisfying(FsException.class,
                            e -> assertThat(e.kind()).isEqualTo(FsException.Kind.REFUSED)));
        } finally {
            Fifos.release(fifo);
        }
    }

    @Test
    void aFifoOrALinkInPlaceOfAFolderIsNotOpened() throws Exception {
        Path fifo = Fifos.make(dir.resolve("folder"));
        Files.createDirectories(dir.resolve("real"));
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("real"));
        try (SecureDirectoryStream<Path> handle = handle()) {
            assertTimeoutPreemptively(AT_ONCE,
                    () -> assertThat(Jail.openDirectory(handle, fifo.getFileName())).isNull());
            assertThat(Jail.openDirectory(handle, Path.of("link"))).isNull();
            try (SecureDirectoryStream<Path> real = Jail.openDirectory(handle, Path.of("real"))) {
                assertThat(real).isNotNull();
            }
        } finally {
            Fifos.release(fifo);
        }
    }

    @Test
    void theModificationTimeReachesTheOpenFileWhateverItsNameHasBecome() throws Exception {
        Files.writeString(dir.resolve("report.txt"), "kept\n");
        FileTime then = FileTime.from(Instant.parse("2020-01-02T03:04:05Z"));
        try (SecureDirectoryStream<Path> handle = handle();
             FileChannel file = RegularFiles.open(handle, Path.of("report.txt"))) {
            Files.move(dir.resolve("report.txt"), dir.resolve("moved.txt"));
            Path fifo = Fifos.make(dir.resolve("report.txt"));
            try {
                assertTimeoutPreemptively(AT_ONCE, () -> RegularFiles.setModified(file, then));
                assertThat(file.read(ByteBuffer.allocate(5), 0)).as("still read by position").isEqualTo(5);
            } finally {
                Fifos.release(fifo);
            }
        }
        assertThat(Files.getLastModifiedTime(dir.resolve("moved.txt"))).isEqualTo(then);
        assertThat(Files.getLastModifiedTime(dir.resolve("report.txt"))).isNotEqualTo(then);
    }
}
