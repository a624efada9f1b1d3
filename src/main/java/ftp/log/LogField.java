package ftp.log;

/**
 * Makes text from strangers (user names, paths, commands, addresses from PORT) safe to put in a log line,
 * with one rule for what is unsafe: control and format characters (line breaks, ESC, bidi overrides,
 * zero-width characters), line and paragraph separators (U+2028, U+2029), spaces other than U+0020,
 * private-use, unassigned and lone surrogate code points. Those are written as {@code \xNN} below U+0100,
 * else as a backslash, {@code u} and four hex digits, or {@code \UNNNNNNNN}, so nothing a client sends can
 * start a line, hide text or pass for another field. Stateless; any thread.
 */
public final class LogField {
    private enum Mode {
        /** A {@code key=value} value: quoted unless it is plain, with {@code "} and {@code \} escaped. */
        QUOTED,
        /** A field of a space-separated format (xferlog): whitespace becomes {@code _}, as wu-ftpd wrote it. */
        TOKEN,
        /** Free text (a message, an exception): only what could break or disguise the line is escaped. */
        LINE
    }

    private LogField() {}

    /**
     * A value for {@code key=value}: as it is when it holds only ASCII letters, digits and {@code ._-/:@+,~%},
     * else in double quotes with {@code "}, {@code \} and every unsafe character escaped; {@code ""} when
     * empty, {@code -} when null.
     */
    public static String quote(String value) {
        if (value == null) {
            return "-";
        }
        if (isPlain(value)) {
            return value;
        }
        StringBuilder b = new StringBuilder(value.length() + 8).append('"');
        escape(b, value, Mode.QUOTED);
        return b.append('"').toString();
    }

    /** A field of a space-separated log format: no space, no line break, nothing unsafe; {@code -} when empty. */
    public static String token(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder(value.length() + 8);
        escape(b, value, Mode.TOKEN);
        return b.toString();
    }

    /** Free text on one line: a message or an exception's text, with the unsafe characters escaped. */
    public static String line(String text) {
        int i = 0;
        while (i < text.length() && !unsafe(text.codePointAt(i))) {
            i += Character.charCount(text.codePointAt(i));
        }
        if (i == text.length()) {
            return text; // the common case: nothing to escape, nothing copied
        }
        StringBuilder b = new StringBuilder(text.length() + 16).append(text, 0, i);
        escape(b, text.substring(i), Mode.LINE);
        return b.toString();
    }

    private static void escape(StringBuilder b, String value, Mode mode) {
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            if (mode == Mode.TOKEN && Character.isWhitespace(c)) {
                b.append('_');
            } else if (unsafe(c)) {
                appendEscape(b, c);
            } else if (mode != Mode.LINE && c == '\\') {
                b.append("\\\\");
            } else if (mode == Mode.QUOTED && c == '"') {
                b.append("\\\"");
            } else {
                b.appendCodePoint(c);
            }
        }
    }

    private static boolean isPlain(String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "._-/:@+,~%".indexOf(c) >= 0;
            if (!plain) {
                return false;
            }
        }
        return true;
    }

    private static boolean unsafe(int c) {
        if (c == ' ') {
            return false;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> true;
            default -> false;
        };
    }

    private static void appendEscape(StringBuilder b, int c) {
        String hex = Integer.toHexString(c);
        if (c < 0x100) {
            b.append("\\x").append("00", hex.length(), 2);
        } else if (c < 0x10000) {
            b.append("\\u").append("0000", hex.length(), 4);
        } else {
            b.append("\\U").append("00000000", hex.length(), 8);
        }
        b.append(hex);
    }
}
