package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.server.LineDecoder.Line;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineDecoderTest {
    private static final int IAC = 0xFF;
    private static final int IP = 244;
    private static final int DM = 242;
    private static final int WILL = 251;

    private final LineDecoder decoder = new LineDecoder(512);
    private final List<Line> lines = new ArrayList<>();

    private void feed(byte[] bytes) {
        feed(decoder, bytes, lines);
    }

    /** Takes every line of {@code bytes}, as the session does until its queue is full. */
    private static void feed(LineDecoder decoder, byte[] bytes, List<Line> out) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Line line;
        while ((line = decoder.next(in)) != null) {
            out.add(line);
        }
    }

    private void feed(String text) {
        feed(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof Integer b) {
                out.write(b);
            } else {
                out.writeBytes(((String) p).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    @Test
    void crlfAndBareLfBothEndALine() {
        feed("USER alice\r\nPASS secret\nPWD\r\n");
        assertThat(lines).containsExactly(new Line.Text("USER alice"), new Line.Text("PASS secret"),
                new Line.Text("PWD"));
    }

    @Test
    void aLineSplitAcrossReadsIsJoined() {
        feed("MK");
        assertThat(lines).isEmpty();
        feed("D a\r");
        assertThat(lines).isEmpty();
        feed("\nNO");
        feed("OP\n");
        assertThat(lines).containsExactly(new Line.Text("MKD a"), new Line.Text("NOOP"));
    }

    @Test
    void aBareCrInsideALineIsDataAndNeverSplitsIt() {
        feed("MKD a\rb\r\n");
        assertThat(lines).containsExactly(new Line.Text("MKD a\rb"));
    }

    @Test
    void telnetInterruptAndSynchAreStripped() {
        feed(bytes(IAC, IP, IAC, DM, "ABOR\r\n"));
        assertThat(lines).containsExactly(new Line.Text("ABOR"));
    }

    @Test
    void optionNegotiationIsDroppedWithItsOptionByte() {
        feed(bytes("NO", IAC, WILL, (int) 'X', "OP\r\n"));
        assertThat(lines).containsExactly(new Line.Text("NOOP"));
    }

    @Test
    void iacIacIsOneLiteralByteNotACommand() {
        // IAC IAC stands for the byte 0xFF: it neither vanishes nor swallows the byte after it. 0xFF can never
        // be part of UTF-8, so the line is reported as malformed rather than silently turned into "AB".
        feed(bytes("A", IAC, IAC, "B\r\n"));
        assertThat(lines).containsExactly(new Line.Malformed());
        lines.clear();
        feed("NOOP\r\n");
        assertThat(lines).containsExactly(new Line.Text("NOOP"));
    }

    @Test
    void invalidUtf8IsMalformedAndTheNextLineIsFine() {
        feed(bytes("CWD ", 0xC0, 0xAF, "\r\n")); // an overlong "/" that naive decoders accept
        feed(bytes("CWD ", 0xE2, 0x82, "\r\n")); // truncated sequence
        feed("CWD é\r\n");
        assertThat(lines).containsExactly(new Line.Malformed(), new Line.Malformed(), new Line.Text("CWD é"));
    }

    @Test
    void aLineAtTheLimitIsAcceptedOneByteMoreIsTooLong() {
        String max = "A".repeat(512);
        feed(max + "\r\n");
        assertThat(lines).containsExactly(new Line.Text(max));

        feed(max + "B\nNOOP\r\n");
        assertThat(lines).as("nothing after a line that is too long").hasSize(2);
        assertThat(lines.get(1)).isInstanceOf(Line.TooLong.class);
    }

    @Test
    void anEndlessLineIsReportedTooLongExactlyOnceAndNothingMoreIsBuffered() {
        byte[] chunk = "X".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 10; i++) {
            feed(chunk);
        }
        feed("\r\nNOOP\r\n");
        assertThat(lines).containsExactly(new Line.TooLong());
        assertThat(decoder.capacity()).isLessThanOrEqualTo(513);
    }

    @Test
    void theBufferStartsSmallGrowsForALongLineAndShrinksAfterIt() {
        LineDecoder big = new LineDecoder(1 << 20);
        assertThat(big.capacity()).isLessThanOrEqualTo(256);
        List<Line> out = new ArrayList<>();
        String longLine = "MKD " + "x".repeat(100_000);
        feed(big, (longLine + "\r\n").getBytes(StandardCharsets.US_ASCII), out);
        assertThat(out).containsExactly(new Line.Text(longLine));
        assertThat(big.capacity()).isLessThanOrEqualTo(256);
    }

    @Test
    void nextStopsAfterEachLineAndLeavesTheRestUnread() {
        ByteBuffer in = ByteBuffer.wrap("NOOP\r\nPWD\r\nSY".getBytes(StandardCharsets.US_ASCII));
        assertThat(decoder.next(in)).isEqualTo(new Line.Text("NOOP"));
        assertThat(in.remaining()).isEqualTo("PWD\r\nSY".length());
        assertThat(decoder.next(in)).isEqualTo(new Line.Text("PWD"));
        assertThat(decoder.next(in)).as("SY is kept as the start of a line").isNull();
        assertThat(decoder.next(ByteBuffer.wrap("ST\n".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(new Line.Text("SYST"));
    }

    @Test
    void resetDropsAHalfLine() {
        feed("USER mallory");
        decoder.reset();
        feed("\r\n");
        assertThat(lines).containsExactly(new Line.Text(""));
    }
}
