package ftp.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadJournalTest {
    private static final String NODE = "node1-1234";

    @TempDir
    Path root;

    @Test
    void recordsSurviveANewInstanceAndReportTheFilesSize() throws Exception {
        Path home = root.resolve("egon");
        UserFileSystem fs = new UserFileSystem(home, Umask.DEFAULT);
        Files.createDirectories(home.resolve("dir"));
        Files.write(home.resolve("dir/big.bin"), new byte[1234]);
        new UploadJournal(fs, NODE).markUnfinished("/dir/big.bin", 1000, OptionalLong.of(5000));
        try (var records = Files.list(home.resolve(".upload"))) {
            assertThat(records.toList()).singleElement().satisfies(record -> assertThat(
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(record))).isEqualTo("rw-------"));
        }

        UploadJournal reopened = new UploadJournal(new UserFileSystem(home, Umask.DEFAULT), NODE);
        assertThat(reopened.list()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/dir/big.bin");
            assertThat(r.bytes()).as("the file is the truth").isEqualTo(1234);
            assertThat(r.expected()).hasValue(5000);
            assertThat(r.started()).isBeforeOrEqualTo(r.updated());
        });
        assertThat(fs.list("/")).extracting(FileEntry::name).containsExactly("dir");
    }

    @Test
    void updatingKeepsTheStartTime() throws Exception {
        Path home = root.resolve("egon");
        UploadJournal journal = new UploadJournal(new UserFileSystem(home, Umask.DEFAULT), NODE);
        Files.write(home.resolve("f"), new byte[1]);
        journal.markUnfinished("/f", 1, OptionalLong.empty());
        Instant started = journal.list().get(0).started();
        Thread.sleep(5);
        journal.markUnfinished("/f", 2, OptionalLong.empty());
        assertThat(journal.list()).singleElement().satisfies(r -> {
            assertThat(r.started()).isEqualTo(started);
            assertThat(r.updated()).isAfter(started);
            assertThat(r.expected()).isEmpty();
        });
    }

    @Test
    void finishedAndVanishedUploadsDisappear() throws Exception {
        Path home = root.resolve("egon");
        UploadJournal journal = new UploadJournal(new UserFileSystem(home, Umask.DEFAULT), NODE);
        Files.write(home.resolve("done"), new byte[1]);
        Files.write(home.resolve("gone"), new byte[1]);
        journal.markUnfinished("/done", 1, OptionalLong.empty());
        journal.markUnfinished("/gone", 1, OptionalLong.empty());
        journal.markFinished("/done");
        journal.markFinished("/never-recorded");
        Files.delete(home.resolve("gone"));
        assertThat(journal.list()).isEmpty();
        try (var left = Files.list(home.resolve(".upload"))) {
            assertThat(left.toList()).as("no records or temporary files left").isEmpty();
        }
    }

    @Test
    void damagedRecordsAreDroppedNotFatal() throws Exception {
        Path home = root.resolve("egon");
        UploadJournal journal = new UploadJournal(new UserFileSystem(home, Umask.DEFAULT), NODE);
        Files.write(home.resolve("ok"), new byte[3]);
        journal.markUnfinished("/ok", 3, OptionalLong.empty());
        Files.writeString(home.resolve(".upload").resolve("a".repeat(64) + ".properties"), "path=/ok\nbytes=x");
        assertThat(journal.list()).extracting(UploadRecord::path).containsExactly("/ok");
        assertThat(home.resolve(".upload").resolve("a".repeat(64) + ".properties")).doesNotExist();
    }

    @Test
    void theJournalIsBoundedOldestFirst() throws Exception {
        Path home = root.resolve("egon");
        UploadJournal journal = new UploadJournal(new UserFileSystem(home, Umask.DEFAULT), NODE, 3);
        for (int i = 0; i < 5; i++) {
            Files.write(home.resolve("f" + i), new byte[1]);
            journal.markUnfinished("/f" + i, 1, OptionalLong.empty());
            Thread.sleep(2);
        }
        assertThat(journal.list()).extracting(UploadRecord::path).containsExactly("/f2", "/f3", "/f4");
    }
}
