package ftp.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a client may put in a name or a path, against a reader that splits lines and key=value fields. */
class LogFieldTest {
    /** How a log tool reads a line: bare values end at a space, quoted ones at the first unescaped quote. */
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

    private static Map<String, String> fields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            fields.merge(m.group(1), m.group(2), (a, b) -> a + " AND " + b);
        }
        return fields;
    }

    /** A line as the server writes it, with {@code value} in the middle. */
    private static String line(String value) {
        return "login failed user=" + LogField.quote(value) + " from=127.0.0.1 session=a-1";
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "bob from=10.0.0.1 session=x",          // a forged field after a space
        "bob\" from=\"10.0.0.1",                // closing the quote early
        "bob\\\" from=10.0.0.1",                // a backslash to eat the escaping of the quote
        "bob\nINFO login ok user=root",          // a forged line
        "bob\r\n2026-12-04 00:00:00.000 INFO x", // CRLF
        "bob\u2028from=10.0.0.1",               // LINE SEPARATOR
        "bob\u2029from=10.0.0.1",               // PARAGRAPH SEPARATOR
        "bob\u0085from=10.0.0.1",               // NEL
        "bob\u000bfrom=10.0.0.1",               // vertical tab
        "bob\u202efrom=10.0.0.1",               // RIGHT-TO-LEFT OVERRIDE
        "bob\u2066from=10.0.0.1\u2069",         // LEFT-TO-RIGHT ISOLATE ... POP
        "bob\u00a0from=10.0.0.1",               // NO-BREAK SPACE: looks like a field separator
        "bob\u3000from=10.0.0.1",               // IDEOGRAPHIC SPACE
        "bob\u200bfrom=10.0.0.1",               // ZERO WIDTH SPACE
        "bob\u001b[2Kfrom=10.0.0.1",            // ESC: terminal control
        "bob=root",
        "",
    })
    void noValueForgesALineOrAField(String value) {
        String line = line(value);
        assertThat(line.lines()).hasSize(1);
        assertThat(line.codePoints()).noneMatch(c -> Character.isISOControl(c) || Character.isSpaceChar(c) && c != ' '
                || Character.getType(c) == Character.FORMAT);
        assertThat(fields(line)).containsOnlyKeys("user", "from", "session").containsEntry("from", "127.0.0.1")
                .containsEntry("session", "a-1");
    }

    @Test
    void plainValuesStayBareAndTheRestIsQuotedWithEscapes() {
        assertThat(LogField.quote("alice")).isEqualTo("alice");
        assertThat(LogField.quote("/dir/file-1.txt")).isEqualTo("/dir/file-1.txt");
        assertThat(LogField.quote("::1")).isEqualTo("::1");
        assertThat(LogField.quote("")).isEqualTo("\"\"");
        assertThat(LogField.quote(null)).isEqualTo("-");
        assertThat(LogField.quote("a b")).isEqualTo("\"a b\"");
        assertThat(LogField.quote("a=b")).isEqualTo("\"a=b\"");
        assertThat(LogField.quote("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
        assertThat(LogField.quote("C:\\x")).isEqualTo("\"C:\\\\x\"");
        assertThat(LogField.quote("a\r\nb")).isEqualTo("\"a\\x0d\\x0ab\"");
        assertThat(LogField.quote("a\u2028b\u202ec")).isEqualTo("\"a\\u2028b\\u202ec\"");
        assertThat(LogField.quote("tag\uDB40\uDC41")).isEqualTo("\"tag\\U000e0041\""); // TAG LATIN CAPITAL LETTER A
        assertThat(LogField.quote("lone\uD800")).isEqualTo("\"lone\\ud800\"");
    }

    @Test
    void namesInOtherScriptsAreKeptReadable() {
        assertThat(LogField.quote("über.txt")).isEqualTo("\"über.txt\"");
        assertThat(LogField.quote("文件.txt")).isEqualTo("\"文件.txt\"");
        assertThat(LogField.quote("e\u0301")).isEqualTo("\"e\u0301\""); // a combining accent is part of the name
    }

    @Test
    void anEscapedValueReadsBackToWhatTheClientSent() {
        List<String> values = List.of("a b", "q\"uote", "back\\slash", "line\nbreak", "bidi\u202e", "\u0000nul");
        List<String> decoded = new ArrayList<>();
        for (String v : values) {
            decoded.add(unquote(fields(line(v)).get("user")));
        }
        assertThat(decoded).isEqualTo(values);
    }

    @Test
    void tokensForSpaceSeparatedLogsHoldNoSpaceAndNoLineBreak() {
        assertThat(LogField.token("/dir/a file\nwith newline")).isEqualTo("/dir/a_file_with_newline");
        assertThat(LogField.token("/x\u2028y\u00a0z\u202e")).isEqualTo("/x_y\\xa0z\\u202e");
        assertThat(LogField.token("")).isEqualTo("-");
    }

    @Test
    void freeTextKeepsItsWordsAndLosesOnlyWhatBreaksTheLine() {
        assertThat(LogField.line("cannot read /a b: denied")).isEqualTo("cannot read /a b: denied");
        assertThat(LogField.line("java.io.IOException: /x\nFORGED")).isEqualTo("java.io.IOException: /x\\x0aFORGED");
        assertThat(LogField.line("path=\"a\\b\"")).as("quoted fields pass unchanged").isEqualTo("path=\"a\\b\"");
    }

    private static String unquote(String quoted) {
        assertThat(quoted).startsWith("\"").endsWith("\"");
        String s = quoted.substring(1, quoted.length() - 1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char kind = s.charAt(++i);
            int digits = switch (kind) {
                case 'x' -> 2;
                case 'u' -> 4;
                case 'U' -> 8;
                default -> 0;
            };
            if (digits == 0) {
                b.append(kind);
            } else {
                b.appendCodePoint(Integer.parseInt(s.substring(i + 1, i + 1 + digits), 16));
                i += digits;
            }
        }
        return b.toString();
    }
}
