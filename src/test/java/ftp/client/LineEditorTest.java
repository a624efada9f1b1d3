package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The line editor fed keys as a terminal sends them, its screen output read back. */
class LineEditorTest {
    private static final String LEFT = "\033[D";
    private static final String UP = "\033[A";
    private static final String DOWN = "\033[B";

    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();

    private LineEditor editor(String keys, int columns) {
        Keyboard keyboard = new Keyboard(new ByteArrayInputStream(keys.getBytes(StandardCharsets.UTF_8)));
        return new LineEditor(keyboard, new PrintStream(screen, true, StandardCharsets.UTF_8), () -> columns);
    }

    private String screen() {
        return screen.toString(StandardCharsets.UTF_8);
    }

    private static String read(LineEditor editor, History history, LineEditor.Completer completer) throws Exception {
        return editor.readLine("> ", history, completer);
    }

    private static String read(LineEditor editor) throws Exception {
        return read(editor, new History(null, 10), before -> LineEditor.Completion.NONE);
    }

    @Test
    void chineseCharactersMoveTheCursorByTwoColumns() throws Exception {
        assertThat(read(editor("ab中文" + LEFT + LEFT + "X\r", 80))).isEqualTo("abX中文");
        assertThat(screen()).contains("> ab中文\033[K\033[2D").contains("> ab中文\033[K\033[4D")
                .contains("> abX中文\033[K\033[4D");
    }

    @Test
    void aLineWiderThanTheTerminalShowsThePartAroundTheCursor() throws Exception {
        String typed = "0123456789".repeat(6);
        assertThat(read(editor(typed + "\001\r", 30))).isEqualTo(typed);
        for (String frame : screen().split("\r")) {
            String shown = frame.replaceAll("\033\\[[0-9]*[A-Za-z]", "").strip();
            assertThat(DisplayWidth.of(shown)).as(frame).isLessThan(30);
        }
        assertThat(screen()).contains("> 012345678901234567890123456\033[K\033[27D");
    }

    @Test
    void upAndDownWalkTheHistoryAndKeepTheLineBeingTyped() throws Exception {
        History history = new History(null, 10);
        history.add("first");
        history.add("second");
        assertThat(read(editor("draft" + UP + UP + DOWN + DOWN + "!\r", 80), history, b -> LineEditor.Completion.NONE))
                .isEqualTo("draft!");
        assertThat(history.get(2)).isEqualTo("draft!");
        assertThat(read(editor(UP + UP + "\r", 80), history, b -> LineEditor.Completion.NONE)).isEqualTo("second");
        assertThat(history.size()).isEqualTo(4);
    }

    @Test
    void tabCompletesAUniqueNameAndListsTheChoicesOtherwise() throws Exception {
        LineEditor.Completer files = before -> {
            int start = before.lastIndexOf(' ') + 1;
            List<String> all = List.of("alpha.txt ", "alpine/", "beta.txt ");
            List<String> matching = all.stream().filter(n -> n.startsWith(before.substring(start))).toList();
            return new LineEditor.Completion(start, matching, matching.stream().map(String::strip).toList());
        };
        assertThat(read(editor("get b\t\r", 80), new History(null, 1), files)).isEqualTo("get beta.txt ");
        screen.reset();
        assertThat(read(editor("get a\t\t\r", 80), new History(null, 1), files)).isEqualTo("get alp");
        assertThat(screen()).contains("alpha.txt  alpine/");
    }

    @Test
    void ctrlCDropsTheLineAndCtrlDOnAnEmptyOneEndsTheInput() throws Exception {
        assertThat(read(editor("rubbish\003ok\r", 80))).isEqualTo("ok");
        assertThat(screen()).contains("rubbish\033[K^C");
        assertThat(read(editor("\004", 80))).isNull();
        assertThat(read(editor("ab\001\004\r", 80))).isEqualTo("b");
        assertThat(editor("1\003", 80).readAnswer("Number>>:")).as("no answer").isNull();
    }

    @Test
    void aPasswordIsNeitherShownNorKept() throws Exception {
        char[] password = editor("secrex\1772\r", 80).readPassword("password>>:");
        assertThat(new String(password)).isEqualTo("secre2");
        assertThat(screen()).isEqualTo("password>>:" + System.lineSeparator());
        assertThat(editor("abc\003", 80).readPassword("p:")).isNull();
    }
}
