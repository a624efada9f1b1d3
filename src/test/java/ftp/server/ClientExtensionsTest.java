package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What real clients send beyond the basics, each as its RFC or the clients that use it mean it: OPTS MLST
 * choosing facts (RFC 3659 §7.9), SIZE in TYPE A (§4), the two-argument MDTM and SITE UTIME that set a time,
 * and HELP saying which zone the listings use.
 */
class ClientExtensionsTest {
    private TestServer server;
    private Path home;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start();
        home = Files.createDirectories(server.home("alice"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ControlClient alice() {
        return ControlClient.loggedIn(server.port(), "alice", "secret");
    }

    private static Instant modified(Path file) throws IOException {
        return Files.getLastModifiedTime(file).toInstant();
    }

    @Test
    void optsMlstKeepsTheKnownFactsItNamesForLaterListingsAndFeat() throws IOException {
        Path f = Files.writeString(home.resolve("f.txt"), "hello");
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2020-01-02T03:04:05Z")));
        try (ControlClient c = alice()) {
            assertThat(c.command("OPTS MLST size;Type;colour;")).isEqualTo("200 MLST OPTS type;size;");
            assertThat(c.command("MLST f.txt")).isEqualTo("250-Listing /f.txt\n type=file;size=5; /f.txt\n250 End");
            assertThat(c.list("MLSD")).containsExactly("type=file;size=5; f.txt");
            assertThat(c.command("FEAT")).contains("\n MLST type*;size*;modify;perm;\n");

            assertThat(c.command("OPTS MLST modify;")).isEqualTo("200 MLST OPTS modify;");
            assertThat(c.list("MLSD")).containsExactly("modify=20200102030405; f.txt");

            assertThat(c.command("OPTS MLST")).isEqualTo("200 MLST OPTS");
            assertThat(c.command("MLST f.txt")).isEqualTo("250-Listing /f.txt\n  /f.txt\n250 End");
        }
    }

    @Test
    void sizeInAsciiModeIsTheSizeARetrievalSends() throws IOException {
        Files.writeString(home.resolve("three.txt"), "one\ntwo\nthree\n");
        Files.writeString(home.resolve("mixed.txt"), "dos\r\nunix\nlone\rend");
        try (ControlClient c = alice()) {
            assertThat(c.command("SIZE three.txt")).isEqualTo("213 14");
            assertThat(c.command("TYPE A")).startsWith("200");
            assertThat(c.command("SIZE three.txt")).isEqualTo("213 17");
            assertThat(c.fetch("RETR three.txt")).hasSize(17);
            assertThat(c.command("SIZE mixed.txt")).isEqualTo("213 19");
            assertThat(c.fetch("RETR mixed.txt")).isEqualTo("dos\r\nunix\r\nlone\rend".getBytes(StandardCharsets.UTF_8));
            assertThat(c.command("TYPE I")).startsWith("200");
            assertThat(c.command("SIZE mixed.txt")).isEqualTo("213 18");
        }
    }

    @Test
    void sizeInAsciiModeRefusesFilesTooLargeToCount() throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(home.resolve("big.log").toFile(), "rw")) {
            file.setLength((16L << 20) + 1); // sparse: one byte past the limit costs no disk
        }
        try (ControlClient c = alice()) {
            assertThat(c.command("TYPE A")).startsWith("200");
            assertThat(c.command("SIZE big.log")).startsWith("550 ").contains("TYPE I");
            assertThat(c.command("TYPE I")).startsWith("200");
            assertThat(c.command("SIZE big.log")).isEqualTo("213 " + ((16L << 20) + 1));
        }
    }

    @Test
    void mdtmWithATimeAndAPathSetsTheTimeUnlessTheWholeTextNamesAFile() throws IOException {
        Path f = Files.writeString(home.resolve("f.txt"), "x");
        Path odd = Files.writeString(home.resolve("20200101000000 odd.txt"), "y");
        Instant oddTime = modified(odd);
        try (ControlClient c = alice()) {
            assertThat(c.command("MDTM 20210304050607 f.txt")).isEqualTo("213 Modify=20210304050607; /f.txt");
            assertThat(modified(f)).isEqualTo(Instant.parse("2021-03-04T05:06:07Z"));
            assertThat(c.command("MDTM f.txt")).isEqualTo("213 20210304050607");

            assertThat(c.command("MDTM 20200101000000 odd.txt")).startsWith("213 2"); // a name, read not set
            assertThat(modified(odd)).isEqualTo(oddTime);
            assertThat(c.command("MDTM 20210230000000 f.txt")).startsWith("501");
            assertThat(c.command("MDTM 20210304050607 missing.txt")).startsWith("550");
        }
    }

    @Test
    void siteUtimeSetsTheModificationTimeInBothCommonForms() throws IOException {
        Path f = Files.writeString(home.resolve("a b.txt"), "x");
        try (ControlClient c = alice()) {
            assertThat(c.command("SITE UTIME 20190102030405 a b.txt")).startsWith("213");
            assertThat(modified(f)).isEqualTo(Instant.parse("2019-01-02T03:04:05Z"));
            assertThat(c.command("SITE UTIME 201801020304 a b.txt")).startsWith("213");
            assertThat(modified(f)).isEqualTo(Instant.parse("2018-01-02T03:04:00Z"));
            assertThat(c.command("SITE UTIME a b.txt 20170101000000 20170102030405 20170101000000 UTC"))
                    .startsWith("213");
            assertThat(modified(f)).isEqualTo(Instant.parse("2017-01-02T03:04:05Z"));
            assertThat(c.command("SITE UTIME a b.txt")).startsWith("501");
            assertThat(c.command("SITE HELP")).contains("UTIME");
        }
    }

    @Test
    void helpSaysListingTimesAreUtc() {
        try (ControlClient c = alice()) {
            assertThat(c.command("HELP")).contains("Times are UTC").endsWith("214 Help OK.");
            assertThat(c.command("HELP LIST")).contains("UTC");
        }
    }
}
