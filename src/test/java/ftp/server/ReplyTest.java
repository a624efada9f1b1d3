package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplyTest {

    /** Every CR is followed by LF and every LF follows a CR: the wire form has only whole CRLF lines. */
    private static void assertOnlyCrlfLines(String wire) {
        for (int i = 0; i < wire.length(); i++) {
            char c = wire.charAt(i);
            if (c == '\r') {
                assertThat(i + 1 < wire.length() && wire.charAt(i + 1) == '\n').as("CR at %d not in CRLF", i).isTrue();
            }
            if (c == '\n') {
                assertThat(i > 0 && wire.charAt(i - 1) == '\r').as("LF at %d not in CRLF", i).isTrue();
            }
        }
        assertThat(wire).endsWith("\r\n");
    }

    @Test
    void oneLineReply() {
        assertThat(new Reply(200, "NOOP ok.").render()).isEqualTo("200 NOOP ok.\r\n");
    }

    @Test
    void multiLineReplyFollowsRfc959() {
        String wire = new Reply(211, "Extensions supported:\n SIZE\n MDTM\nEnd").render();
        assertThat(wire).isEqualTo("211-Extensions supported:\r\n SIZE\r\n MDTM\r\n211 End\r\n");
    }

    @Test
    void aMiddleLineStartingWithDigitsCannotEndTheReplyEarly() {
        String wire = new Reply(213, "Status of x:\n211 looks like an end\nEnd of status").render();
        assertThat(wire.split("\r\n"))
                .containsExactly("213-Status of x:", " 211 looks like an end", "213 End of status");
    }

    @Test
    void anEchoedArgumentCannotInjectAReplyLine() {
        // A file name or user name echoed back with CR LF inside must not produce a line of its own that a
        // client would read as a separate reply such as "230 logged in".
        String wire = new Reply(550, "No such file: x\r\n230 User root logged in.").render();
        assertOnlyCrlfLines(wire);
        for (String line : wire.split("\r\n")) {
            assertThat(line).doesNotStartWith("230");
            assertThat(line.startsWith("550-") || line.startsWith("550 ") || line.startsWith(" ")).isTrue();
        }
        assertThat(wire).endsWith("550 230 User root logged in.\r\n");
    }

    @Test
    void aBareCrNeverReachesTheWire() {
        String wire = new Reply(550, "a\rb").render();
        assertThat(wire).isEqualTo("550 a b\r\n");
        assertOnlyCrlfLines(new Reply(211, "one\r\ntwo\r\rthree\nEnd").render());
    }

    @Test
    void codesOutsideTheFtpRangeAreRejected() {
        assertThatThrownBy(() -> new Reply(99, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Reply(600, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
