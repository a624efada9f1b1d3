package ftp.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ftpd.log and xferlog stay within log.max_size per file and log.keep old files, and never cut a line. */
class RotatingFileTest {
    @TempDir
    Path dir;

    private static List<byte[]> lines(int from, int to) {
        List<byte[]> lines = new ArrayList<>();
        for (int i = from; i < to; i++) {
            lines.add(String.format("line %03d%n", i).getBytes(StandardCharsets.UTF_8)); // 9 bytes
        }
        return lines;
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> read(String name) throws IOException {
        return Files.readAllLines(dir.resolve(name));
    }

    @Test
    void rotatesBySizeAndKeepsTheNewestFiles() throws IOException {
        try (RotatingFile file = new RotatingFile(dir.resolve("ftpd.log"), 30, 2)) {
            file.append(lines(0, 5)); // 9 bytes a line: three fill a file, the fourth starts the next
            file.append(lines(5, 12));
        }
        assertThat(files()).as("lines 0 to 2 went with the oldest file").containsExactly("ftpd.log", "ftpd.log.1",
                "ftpd.log.2");
        assertThat(read("ftpd.log.2")).containsExactly("line 003", "line 004", "line 005");
        assertThat(read("ftpd.log.1")).containsExactly("line 006", "line 007", "line 008");
        assertThat(read("ftpd.log")).containsExactly("line 009", "line 010", "line 011");
    }

    @Test
    void eachFileHoldsWholeLinesWithinTheBound() throws IOException {
        try (RotatingFile file = new RotatingFile(dir.resolve("xferlog"), 40, 3)) {
            for (int i = 0; i < 13; i++) {
                file.append(lines(i, i + 1));
            }
        }
        List<String> all = new ArrayList<>();
        for (String name : List.of("xferlog.3", "xferlog.2", "xferlog.1", "xferlog")) {
            assertThat(Files.size(dir.resolve(name))).as(name).isLessThanOrEqualTo(40);
            all.addAll(read(name));
        }
        assertThat(all).hasSize(13).allMatch(l -> l.matches("line \\d{3}"));
        assertThat(all.get(12)).isEqualTo("line 012");
    }

    @Test
    void keepZeroStartsAfreshAndALineLongerThanTheBoundGetsAFileOfItsOwn() throws IOException {
        try (RotatingFile file = new RotatingFile(dir.resolve("ftpd.log"), 10, 0)) {
            file.append(lines(0, 1));
            file.append(List.of("a line longer than ten bytes\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(read("ftpd.log")).containsExactly("a line longer than ten bytes");
            file.append(lines(1, 2));
        }
        assertThat(files()).containsExactly("ftpd.log");
        assertThat(read("ftpd.log")).containsExactly("line 001");
    }

    @Test
    void newFilesAreReadableByTheOwnersGroupOnly() throws IOException {
        try (RotatingFile file = new RotatingFile(dir.resolve("ftpd.log"), 10, 1)) {
            file.append(lines(0, 3));
        }
        for (String name : files()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name)))).as(name)
                    .isEqualTo("rw-r-----");
        }
    }

    @Test
    void anotherWriterAppendingWholeLinesLandsBetweenOurs() throws IOException {
        Path log = dir.resolve("ftpd.log");
        try (RotatingFile file = new RotatingFile(log, 1 << 20, 1)) {
            file.append(lines(0, 1));
            try (OutputStream other = RotatingFile.openAppending(log)) {
                other.write("admin line\n".getBytes(StandardCharsets.UTF_8));
            }
            file.append(lines(1, 2));
        }
        assertThat(read("ftpd.log")).containsExactly("line 000", "admin line", "line 001");
    }
}
