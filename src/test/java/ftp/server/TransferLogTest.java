package ftp.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The xferlog's line format and its size bound. */
class TransferLogTest {
    @TempDir
    Path dir;

    @Test
    void writesStandardLinesAndRotatesPastTheLimit() throws IOException {
        Path file = dir.resolve("log/xferlog");
        try (TransferLog log = new TransferLog(file, 500)) {
            for (int i = 0; i < 10; i++) {
                log.record("127.0.0.1", 1000 + i, "/dir/a file\nwith newline", i % 2 == 0,
                        i % 3 == 0 ? TransferLog.Direction.INCOMING : TransferLog.Direction.OUTGOING, "alice",
                        1500, i != 9);
            }
        }
        List<String> current = Files.readAllLines(file);
        List<String> previous = Files.readAllLines(dir.resolve("log/xferlog.1"));
        assertThat(Files.size(file)).isLessThanOrEqualTo(500);
        assertThat(Files.size(dir.resolve("log/xferlog.1"))).isLessThanOrEqualTo(500);
        assertThat(current.get(current.size() - 1)).matches(
                "\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4} 2 127\\.0\\.0\\.1 1009 /dir/a_file_with_newline a _ i r"
                        + " alice ftp 0 \\* i");
        assertThat(previous).allMatch(l -> l.endsWith(" c") && l.split(" ").length == 18);
    }
}
