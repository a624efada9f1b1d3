package ftp.server;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits control-connection bytes into command lines: CRLF or a bare LF ends a line (netcat sends LF);
 * a bare CR inside a line is kept as data and never splits it. Telnet sequences (IAC IP, IAC DM, option
 * negotiation) are dropped, as clients send {@code IAC IP IAC DM} in front of ABOR. The line is bounded:
 * past {@code maxLength} bytes the decoder reports {@link Line.TooLong} once and the caller closes the session,
 * so nothing is ever buffered without bound. Invalid UTF-8 is reported as {@link Line.Malformed}.
 * The buffer starts small and grows only as a long line needs it, then shrinks back, so an idle session
 * costs a few hundred bytes however large the limit is.
 * Owned by the selector thread; no socket needed, so it is tested by feeding bytes.
 */
public final class LineDecoder {
    private static final int IAC = 0xFF;
    private static final int INITIAL_CAPACITY = 256;

    /** What the decoder hands out for each line. */
    public sealed interface Line {
        record Text(String text) implements Line {}
        record Malformed() implements Line {}
        record TooLong() implements Line {}
    }

    private final int maxLength;
    private byte[] line = new byte[INITIAL_CAPACITY];
    private int length;
    private int telnetState; // 0 = data, 1 = after IAC, 2 = after IAC WILL/WONT/DO/DONT
    private boolean overflowed;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    /** {@code maxLength}: the longest line accepted, in bytes, not counting its CRLF. */
    public LineDecoder(int maxLength) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive");
        }
        this.maxLength = maxLength;
    }

    /**
     * Consumes bytes of {@code in} up to the end of the next line and returns that line; null when {@code in}
     * ran out first (its bytes are kept as the start of the line) or after a TooLong. The rest of {@code in}
     * stays unread, so a caller can stop taking lines and keep the bytes for later.
     */
    public Line next(ByteBuffer in) {
        while (in.hasRemaining() && !overflowed) {
            int b = in.get() & 0xFF;
            switch (telnetState) {
                case 1 -> {
                    if (b == IAC) {
                        telnetState = 0;
                        if (!append(b)) {
                            return tooLong();
                        }
                    } else {
                        telnetState = b >= 251 && b <= 254 ? 2 : 0;
                    }
                    continue;
                }
                case 2 -> {
                    telnetState = 0;
                    continue;
                }
                default -> { }
            }
            if (b == IAC) {
                telnetState = 1;
            } else if (b == '\n') {
                int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                if (end > maxLength) {
                    return tooLong();
                }
                Line done = decode(end);
                forgetLine();
                return done;
            } else if (!append(b)) {
                return tooLong();
            }
        }
        return null;
    }

    /** Bytes held for the current line, however few of them are in use (a measure of a session's memory). */
    public int capacity() {
        return line.length;
    }

    /** Forgets the unfinished line (used when the connection switches to TLS: pipelined plaintext must not run). */
    public void reset() {
        forgetLine();
        telnetState = 0;
    }

    /** False when the line is already past the limit (one byte over is allowed: it may be the CR of CRLF). */
    private boolean append(int b) {
        if (length > maxLength) {
            return false;
        }
        if (length == line.length) {
            line = Arrays.copyOf(line, (int) Math.min((long) maxLength + 1, 2L * line.length));
        }
        line[length++] = (byte) b;
        return true;
    }

    private Line tooLong() {
        overflowed = true;
        forgetLine();
        return new Line.TooLong();
    }

    private void forgetLine() {
        length = 0;
        if (line.length > INITIAL_CAPACITY) {
            line = new byte[INITIAL_CAPACITY];
        }
    }

    private Line decode(int end) {
        try {
            CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(line, 0, end));
            return new Line.Text(chars.toString());
        } catch (CharacterCodingException e) {
            return new Line.Malformed();
        }
    }
}
