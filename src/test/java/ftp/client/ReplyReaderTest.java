package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplyReaderTest {

    private static ReplyReader reader(String text) {
        return new ReplyReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsSingleLineRepliesEndingInCrlfOrLf() throws Exception {
        ReplyReader r = reader("220 ready\r\n331 password please\n230\r\n");
        Reply first = r.read();
        assertThat(first.code()).isEqualTo(220);
        assertThat(first.text()).isEqualTo("ready");
        assertThat(r.read().text()).isEqualTo("password please");
        Reply bare = r.read();
        assertThat(bare.code()).isEqualTo(230);
        assertThat(bare.text()).isEmpty();
        assertThat(bare.isCompletion()).isTrue();
    }

    @Test
    void readsMultiLineRepliesUpToTheLineWithTheSameCodeAndASpace() throws Exception {
        ReplyReader r = reader("211-Features:\r\n MDTM\r\n211 not the end because of the leading space? no\r\n");
        Reply feat = r.read();
        assertThat(feat.code()).isEqualTo(211);
        assertThat(feat.body()).containsExactly(" MDTM");
        assertThat(feat.lines()).hasSize(3);
    }

    @Test
    void middleLinesMayStartWithOtherCodesOrTheSameCodeAndADash() throws Exception {
        ReplyReader r = reader("211-Unfinished uploads\r\n 12 ? /a b.txt\r\n200 inside\r\n211-still inside\r\n"
                + "211 End\r\n226 next\r\n");
        Reply uploads = r.read();
        assertThat(uploads.body()).containsExactly(" 12 ? /a b.txt", "200 inside", "211-still inside");
        assertThat(r.read().code()).isEqualTo(226);
    }

    @Test
    void decodesUtf8() throws Exception {
        assertThat(reader("257 \"/目录1\" created\r\n").read().text()).isEqualTo("\"/目录1\" created");
    }

    @Test
    void refusesWhatIsNotAReply() {
        assertThatThrownBy(() -> reader("hello\r\n").read()).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> reader("2200 x\r\n").read()).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> reader("099 x\r\n").read()).isInstanceOf(ProtocolException.class);
    }

    @Test
    void endOfStreamIsAnEofException() {
        assertThatThrownBy(() -> reader("").read()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader("211-start\r\n more").read()).isInstanceOf(EOFException.class);
    }

    @Test
    void aLineWithoutEndIsBounded() {
        String endless = "220 " + "x".repeat(ReplyReader.MAX_LINE + 10);
        assertThatThrownBy(() -> reader(endless).read()).isInstanceOf(ProtocolException.class);
    }
}
