package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadJournalTest {
    @TempDir
    Path dir;

    @Test
    void aRecordSurvivesAReloadWithEveryField() throws Exception {
        DownloadJournal journal = new DownloadJournal(dir);
        DownloadRecord r = journal.start("127.0.0.1", 2121, "egon", "/目录1/big file.bin", 123_456_789_012L,
                "20240102030405", dir.resolve("big file.bin"));
        assertThat(Files.exists(dir.resolve(".download").resolve(r.id() + ".properties"))).isTrue();
        assertThat(r.partial().getParent()).isEqualTo(dir.resolve(".download"));
        journal.save(r.withBytes(4096));

        DownloadRecord back = new DownloadJournal(dir).list().get(0);
        assertThat(back).isEqualTo(r.withBytes(4096));
        assertThat(back.target()).isEqualTo(dir.resolve("big file.bin").toAbsolutePath());
    }

    @Test
    void theSameDownloadKeepsOneRecordAndOthersGetTheirOwn() throws Exception {
        DownloadJournal journal = new DownloadJournal(dir);
        DownloadRecord a = journal.start("h", 21, "egon", "/a", 10, "", dir.resolve("a"));
        DownloadRecord again = journal.start("h", 21, "egon", "/a", 20, "", dir.resolve("a"));
        DownloadRecord b = journal.start("h", 21, "egon", "/b", 10, "", dir.resolve("b"));
        DownloadRecord other = journal.start("h", 21, "alex", "/a", 10, "", dir.resolve("a"));
        assertThat(again.id()).isEqualTo(a.id());
        assertThat(journal.list()).hasSize(3);
        assertThat(journal.listFor("h", 21, "egon")).extracting(DownloadRecord::id)
                .containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(journal.listFor("h", 22, "egon")).isEmpty();
        assertThat(other.id()).isNotEqualTo(a.id());
    }

    @Test
    void completingRemovesTheRecordAndItsPartial() throws Exception {
        DownloadJournal journal = new DownloadJournal(dir);
        DownloadRecord r = journal.start("h", 21, "egon", "/a", 10, "", dir.resolve("a"));
        Files.write(r.partial(), new byte[5]);
        journal.complete(r);
        assertThat(journal.list()).isEmpty();
        assertThat(r.partial()).doesNotExist();
    }

    @Test
    void unreadableRecordsAreSkipped() throws Exception {
        DownloadJournal journal = new DownloadJournal(dir);
        journal.start("h", 21, "egon", "/a", 10, "", dir.resolve("a"));
        Files.writeString(journal.dir().resolve("junk.properties"), "remote=/x\n");
        assertThat(journal.list()).hasSize(1);
    }

    @Test
    void restartingForgetsTheBytesAndTakesTheNewFile() {
        DownloadRecord r = new DownloadRecord("id", "h", 21, "u", "/a", 10, "1", dir.resolve("p"), dir.resolve("t"),
                7, 1);
        DownloadRecord fresh = r.restarted(20, "2");
        assertThat(fresh.bytes()).isZero();
        assertThat(fresh.size()).isEqualTo(20);
        assertThat(fresh.mdtm()).isEqualTo("2");
        assertThat(fresh.partial()).isEqualTo(r.partial());
    }
}
