package ftp.server;

/**
 * One FTP reply as a value. {@link #render()} gives the RFC 959 wire form: one line, or a multi-line reply
 * ({@code 211-first ... 211 last}) when the text has several lines. CR and LF inside a line (an echoed
 * argument, a file name) are replaced so a client can never inject a reply line. Immutable.
 */
public record Reply(int code, String text) {

    public Reply {
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException("reply code " + code);
        }
    }

    public String render() {
        StringBuilder out = new StringBuilder(text.length() + 16);
        if (text.indexOf('\n') < 0) { // most replies: no split, one copy
            return out.append(code).append(' ').append(clean(text)).append("\r\n").toString();
        }
        String[] lines = text.split("\n", -1);
        out.append(code).append('-').append(clean(lines[0])).append("\r\n");
        for (int i = 1; i < lines.length - 1; i++) {
            String line = clean(lines[i]);
            // A middle line that starts with digits would be taken for the end of the reply: indent it.
            if (!line.isEmpty() && Character.isDigit(line.charAt(0))) {
                out.append(' ');
            }
            out.append(line).append("\r\n");
        }
        return out.append(code).append(' ').append(clean(lines[lines.length - 1])).append("\r\n").toString();
    }

    private static String clean(String line) {
        return line.indexOf('\r') < 0 ? line : line.replace('\r', ' ');
    }
}
