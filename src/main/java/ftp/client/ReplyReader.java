package ftp.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads replies from the control connection's byte stream: lines end in CRLF or a bare LF, are UTF-8, and group into
 * RFC 959 multi-line replies. Lines and replies are bounded so that a broken server cannot make the client grow
 * without end. Owned by the thread that owns the control connection.
 */
final class ReplyReader {
    static final int MAX_LINE = 16 * 1024;
    static final int MAX_LINES = 10_000;

    private final InputStream in;
    private final byte[] line = new byte[MAX_LINE];

    /** {@code in} should be buffered: this reads a byte at a time. */
    ReplyReader(InputStream in) {
        this.in = in;
    }

    /** The next complete reply; {@link EOFException} when the server closed the connection. */
    Reply read() throws IOException {
        String first = readLine();
        int code = codeOf(first);
        if (code < 0) {
            throw new ProtocolException("not an FTP reply: " + printable(first));
        }
        List<String> lines = new ArrayList<>();
        lines.add(first);
        if (first.length() > 3 && first.charAt(3) == '-') {
            String end = first.substring(0, 3) + " ";
            String last;
            do {
                if (lines.size() >= MAX_LINES) {
                    throw new ProtocolException("reply longer than " + MAX_LINES + " lines");
                }
                last = readLine();
                lines.add(last);
            } while (!(last.startsWith(end) || last.equals(first.substring(0, 3))));
        }
        return new Reply(code, lines);
    }

    private String readLine() throws IOException {
        int length = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(length == 0 ? "the server closed the connection" : "connection closed mid-line");
            }
            if (b == '\n') {
                break;
            }
            if (length == MAX_LINE) {
                throw new ProtocolException("reply line longer than " + MAX_LINE + " bytes");
            }
            line[length++] = (byte) b;
        }
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return new String(line, 0, length, StandardCharsets.UTF_8);
    }

    /** The reply code a line starts with, or -1 when it starts with something else. */
    static int codeOf(String line) {
        if (line.length() < 3 || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
            return -1;
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return code >= 100 ? code : -1;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
