package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
    @TempDir
    Path dir;

    @Test
    void linesAreKeptInTheFileForTheNextSessionUpToTheLimit() {
        Path file = dir.resolve("conf/history");
        History history = new History(file, 3);
        for (String line : new String[] {"ls", "cd a", "cd a", "  ", " pwd ", "quota"}) {
            history.add(line);
        }
        History next = new History(file, 3);
        assertThat(next.size()).isEqualTo(3);
        assertThat(next.get(0)).isEqualTo("cd a");
        assertThat(next.get(1)).isEqualTo("pwd");
        assertThat(next.get(2)).isEqualTo("quota");
    }

    @Test
    void withoutAFileTheHistoryLivesInMemory() {
        History history = new History(null, 2);
        history.add("ls");
        assertThat(history.size()).isEqualTo(1);
    }
}
