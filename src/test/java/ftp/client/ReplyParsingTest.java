package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ProtocolException;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** What the client reads out of the server's replies. */
class ReplyParsingTest {

    private static Reply reply(String... lines) {
        return new Reply(ReplyReader.codeOf(lines[0]), List.of(lines));
    }

    @Test
    void pwdPathsUndoDoubledQuotes() throws Exception {
        assertThat(ReplyText.quotedPath(reply("257 \"/a \"\"b\"\" c\" is the current directory")))
                .isEqualTo("/a \"b\" c");
        assertThat(ReplyText.quotedPath(reply("257 \"/\""))).isEqualTo("/");
        assertThatThrownBy(() -> ReplyText.quotedPath(reply("257 no quotes"))).isInstanceOf(ProtocolException.class);
    }

    @Test
    void hashRepliesGiveTheDigest() throws Exception {
        assertThat(ReplyText.hashDigest(reply("213 MD5 0-1000 0CC175B9C0F1B6A831C399E269772661 /dir/a b.txt")))
                .isEqualTo("0cc175b9c0f1b6a831c399e269772661");
        assertThatThrownBy(() -> ReplyText.hashDigest(reply("213 MD5 0-1000 nothex /a")))
                .isInstanceOf(ProtocolException.class);
        assertThat(ReplyText.xmd5Digest(reply("250 0cc175b9c0f1b6a831c399e269772661")))
                .isEqualTo("0cc175b9c0f1b6a831c399e269772661");
        assertThat(ReplyText.xmd5Digest(reply("251 /a.txt 0cc175b9c0f1b6a831c399e269772661")))
                .isEqualTo("0cc175b9c0f1b6a831c399e269772661");
    }

    @Test
    void passiveRepliesGiveThePort() throws Exception {
        assertThat(ReplyText.epsvPort(reply("229 Entering Extended Passive Mode (|||50012|)"))).isEqualTo(50012);
        assertThat(ReplyText.pasvPort(reply("227 Entering Passive Mode (127,0,0,1,195,80)."))).isEqualTo(50000);
        assertThatThrownBy(() -> ReplyText.epsvPort(reply("229 (|||99999|)")))
                .isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> ReplyText.pasvPort(reply("227 (127,0,0,1,300,1)")))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void siteUploadsListsPathsWithSpaces() {
        List<UnfinishedUpload> uploads = UnfinishedUpload.parse(reply(
                "211-Unfinished uploads:",
                " 1048576 4194304 /big file.bin",
                " 0 ? /empty",
                "some free text",
                "211 End"));
        assertThat(uploads).containsExactly(
                new UnfinishedUpload("/big file.bin", 1048576, OptionalLong.of(4194304)),
                new UnfinishedUpload("/empty", 0, OptionalLong.empty()));
        assertThat(UnfinishedUpload.parse(reply("211 End"))).isEmpty();
    }

    @Test
    void siteQuotaGivesUsedLimitFreeAndFiles() {
        QuotaReport q = QuotaReport.parse(reply("211-Quota", " used: 100", " limit: 1000", " free: 900",
                " files: 3 of 100000", "211 End"));
        assertThat(q).isEqualTo(new QuotaReport(100, OptionalLong.of(1000), OptionalLong.of(900), OptionalLong.of(3),
                OptionalLong.of(100_000)));
        QuotaReport older = QuotaReport.parse(reply("211-Quota", " used: 100", " limit: 1000", "211 End"));
        assertThat(older.files()).as("a server that does not count files").isEmpty();
        QuotaReport noFileLimit = QuotaReport.parse(reply("211-Quota", "used: 5", "files: 2", "211 End"));
        assertThat(noFileLimit.files()).hasValue(2);
        assertThat(noFileLimit.fileLimit()).isEmpty();
        QuotaReport unlimited = QuotaReport.parse(reply("213-Quota", "used: 5", "limit: none", "213 End"));
        assertThat(unlimited.limit()).isEmpty();
        assertThat(unlimited.free()).isEmpty();
        QuotaReport derived = QuotaReport.parse(reply("213 used: 5 limit: 20"));
        assertThat(derived.free()).hasValue(15);
    }
}
