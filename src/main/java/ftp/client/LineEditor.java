package ftp.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Reads a line on a raw terminal with the editing keys of a shell: Left/Right, Home/End, Ctrl-A/E/B/F, Backspace,
 * Delete, Ctrl-U/K/W (erase to the start, to the end, the word before), Up/Down (and Ctrl-P/N) through the
 * {@link History}, Tab for {@link Completer completion}, Ctrl-L to clear the screen, Ctrl-C to drop the line and
 * start a new one, Ctrl-D on an empty line for the end of input. The line is redrawn in place; when it is wider
 * than the terminal, the part around the cursor is shown. Columns are counted with {@link DisplayWidth}, so Chinese
 * names edit right. An answer to a question is edited the same way, but Ctrl-C gives no answer. Main thread.
 */
final class LineEditor {
    /** Completes the word before the cursor. */
    interface Completer {
        /** The completions for the end of {@code before} (the line up to the cursor). */
        Completion complete(String before);
    }

    /**
     * What may replace the end of the line before the cursor, from index {@code start}: each replacement whole
     * (escaped, with a space or {@code /} when it completes a name), and how to show it in a list of choices.
     */
    record Completion(int start, List<String> replacements, List<String> shown) {
        static final Completion NONE = new Completion(0, List.of(), List.of());
    }

    private static final int ESC = 27;

    private final Keyboard keys;
    private final PrintStream out;
    private final IntSupplier columns;
    private History history;
    private Completer completer;

    /** The line as code points, and the cursor's index in it. */
    private final List<Integer> line = new ArrayList<>();
    private int cursor;
    /** The first code point shown, when the line is wider than the terminal. */
    private int shownFrom;
    private String prompt = "";
    private int width = 80;

    LineEditor(Keyboard keys, PrintStream out, IntSupplier columns) {
        this.keys = keys;
        this.out = out;
        this.columns = columns;
    }

    /**
     * A line, added to {@code history}, Tab asking {@code completer}; null at the end of input (Ctrl-D on an empty
     * line).
     */
    String readLine(String prompt, History history, Completer completer) throws IOException {
        return read(prompt, history, completer, false);
    }

    /** An answer to a question: no history, no completion; null at the end of input and on Ctrl-C. */
    String readAnswer(String prompt) throws IOException {
        return read(prompt, new History(null, 0), before -> Completion.NONE, true);
    }

    private String read(String prompt, History history, Completer completer, boolean ctrlCCancels)
            throws IOException {
        this.prompt = prompt;
        this.history = history;
        this.completer = completer;
        width = Math.max(10, columns.getAsInt());
        line.clear();
        cursor = 0;
        shownFrom = 0;
        int historyIndex = history.size();
        String draft = "";
        redraw();
        while (true) {
            int key = readKey();
            switch (key) {
                case -1 -> {
                    out.println();
                    return null;
                }
                case '\r', '\n' -> {
                    String text = text();
                    cursor = line.size();
                    redraw();
                    out.println();
                    history.add(text);
                    return text;
                }
                case 4 -> { // Ctrl-D
                    if (line.isEmpty()) {
                        out.println();
                        return null;
                    }
                    deleteAt(cursor);
                }
                case Keyboard.CTRL_C -> {
                    cursor = line.size();
                    redraw();
                    out.println("^C");
                    if (ctrlCCancels) {
                        return null;
                    }
                    line.clear();
                    cursor = 0;
                    historyIndex = history.size();
                }
                case 1 -> cursor = 0; // Ctrl-A
                case 5 -> cursor = line.size(); // Ctrl-E
                case 2 -> cursor = Math.max(0, cursor - 1); // Ctrl-B
                case 6 -> cursor = Math.min(line.size(), cursor + 1); // Ctrl-F
                case 127, 8 -> { // Backspace
                    if (cursor > 0) {
                        deleteAt(--cursor);
                    }
                }
                case 21 -> { // Ctrl-U
                    line.subList(0, cursor).clear();
                    cursor = 0;
                }
                case 11 -> line.subList(cursor, line.size()).clear(); // Ctrl-K
                case 23 -> eraseWordBefore(); // Ctrl-W
                case 12 -> { // Ctrl-L
                    out.print("\033[H\033[2J");
                    width = Math.max(10, columns.getAsInt());
                }
                case '\t' -> complete();
                case 16, 14, Key.UP, Key.DOWN -> { // Ctrl-P, Ctrl-N
                    boolean up = key == 16 || key == Key.UP;
                    int next = historyIndex + (up ? -1 : 1);
                    if (next >= 0 && next <= history.size()) {
                        if (historyIndex == history.size()) {
                            draft = text();
                        }
                        historyIndex = next;
                        setText(next == history.size() ? draft : history.get(next));
                    }
                }
                case Key.LEFT -> cursor = Math.max(0, cursor - 1);
                case Key.RIGHT -> cursor = Math.min(line.size(), cursor + 1);
                case Key.HOME -> cursor = 0;
                case Key.END -> cursor = line.size();
                case Key.DELETE -> deleteAt(cursor);
                default -> {
                    if (key >= 0x20 && key != 127 && key < Key.UP) {
                        line.add(cursor++, key);
                    }
                }
            }
            redraw();
        }
    }

    /** A password: nothing is shown; Backspace and Ctrl-U edit, Ctrl-C and Ctrl-D give up (null). */
    char[] readPassword(String prompt) throws IOException {
        out.print(prompt);
        out.flush();
        StringBuilder typed = new StringBuilder();
        try {
            while (true) {
                int key = readKey();
                switch (key) {
                    case '\r', '\n' -> {
                        out.println();
                        char[] password = new char[typed.length()];
                        typed.getChars(0, typed.length(), password, 0);
                        return password;
                    }
                    case -1, 4, Keyboard.CTRL_C -> {
                        out.println();
                        return null;
                    }
                    case 127, 8 -> typed.setLength(Math.max(0, typed.length() - 1));
                    case 21 -> typed.setLength(0);
                    default -> {
                        if (key >= 0x20 && key < Key.UP) {
                            typed.appendCodePoint(key);
                        }
                    }
                }
            }
        } finally {
            typed.setLength(0);
        }
    }

    /** Keys that arrive as escape sequences, numbered above every code point. */
    private static final class Key {
        static final int UP = 0x110000;
        static final int DOWN = UP + 1;
        static final int RIGHT = UP + 2;
        static final int LEFT = UP + 3;
        static final int HOME = UP + 4;
        static final int END = UP + 5;
        static final int DELETE = UP + 6;
        static final int OTHER = UP + 7;
    }

    /** The next key: a code point (UTF-8 decoded), a control character, or a {@link Key}; -1 at the end. */
    private int readKey() throws IOException {
        int b = keys.read();
        if (b == ESC) {
            return escapeSequence();
        }
        if (b < 0x80) {
            return b;
        }
        int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : 0;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(b);
        for (int i = 0; i < extra; i++) {
            int next = keys.read();
            if (next < 0) {
                return -1;
            }
            bytes.write(next);
        }
        String decoded = bytes.toString(StandardCharsets.UTF_8);
        return decoded.isEmpty() ? Key.OTHER : decoded.codePointAt(0);
    }

    /** After ESC: {@code [A}..{@code [D}, {@code [H}, {@code [F}, {@code [1~}, {@code [3~} ... or {@code OA}.. */
    private int escapeSequence() throws IOException {
        int kind = keys.read();
        if (kind != '[' && kind != 'O') {
            return Key.OTHER;
        }
        StringBuilder parameters = new StringBuilder();
        int last = keys.read();
        while (last >= '0' && last <= '?') {
            parameters.append((char) last);
            last = keys.read();
        }
        return switch (last) {
            case 'A' -> Key.UP;
            case 'B' -> Key.DOWN;
            case 'C' -> Key.RIGHT;
            case 'D' -> Key.LEFT;
            case 'H' -> Key.HOME;
            case 'F' -> Key.END;
            case '~' -> switch (parameters.toString()) {
                case "1", "7" -> Key.HOME;
                case "4", "8" -> Key.END;
                case "3" -> Key.DELETE;
                default -> Key.OTHER;
            };
            default -> Key.OTHER;
        };
    }

    private void complete() {
        String before = text(0, cursor);
        Completion c = completer.complete(before);
        if (c.replacements().isEmpty()) {
            out.print('\007');
            return;
        }
        String common = c.replacements().get(0);
        for (String r : c.replacements()) {
            int i = 0;
            while (i < common.length() && i < r.length() && common.charAt(i) == r.charAt(i)) {
                i++;
            }
            common = common.substring(0, i);
        }
        if (common.length() > before.length() - c.start()) {
            String after = text(cursor, line.size());
            setText(before.substring(0, c.start()) + common);
            int end = line.size();
            after.codePoints().forEach(line::add);
            cursor = end;
            return;
        }
        out.println();
        printColumns(c.shown());
    }

    /** Choices side by side in columns as wide as the widest, like a shell lists them. */
    private void printColumns(List<String> choices) {
        int widest = choices.stream().mapToInt(DisplayWidth::of).max().orElse(0) + 2;
        int perLine = Math.max(1, width / widest);
        for (int i = 0; i < choices.size(); i++) {
            boolean lineEnd = (i + 1) % perLine == 0 || i == choices.size() - 1;
            out.print(lineEnd ? choices.get(i) : DisplayWidth.pad(choices.get(i), widest));
            if (lineEnd) {
                out.println();
            }
        }
    }

    private void eraseWordBefore() {
        int start = cursor;
        while (start > 0 && Character.isWhitespace(line.get(start - 1))) {
            start--;
        }
        while (start > 0 && !Character.isWhitespace(line.get(start - 1))) {
            start--;
        }
        line.subList(start, cursor).clear();
        cursor = start;
    }

    private void deleteAt(int index) {
        if (index < line.size()) {
            line.remove(index);
        }
    }

    private void setText(String text) {
        line.clear();
        text.codePoints().forEach(line::add);
        cursor = line.size();
    }

    private String text() {
        return text(0, line.size());
    }

    private String text(int from, int to) {
        StringBuilder b = new StringBuilder();
        line.subList(from, to).forEach(b::appendCodePoint);
        return b.toString();
    }

    /**
     * Prompt and line from the start of the terminal line, the rest of it cleared, the cursor put back. A line
     * wider than the room after the prompt shows the part that holds the cursor.
     */
    private void redraw() {
        int room = Math.max(1, width - DisplayWidth.of(prompt) - 1);
        shownFrom = Math.min(shownFrom, cursor);
        while (columns(shownFrom, cursor) > room) {
            shownFrom++;
        }
        while (shownFrom > 0 && columns(shownFrom - 1, line.size()) <= room) {
            shownFrom--;
        }
        int shownTo = cursor;
        while (shownTo < line.size() && columns(shownFrom, shownTo + 1) <= room) {
            shownTo++;
        }
        StringBuilder b = new StringBuilder("\r").append(prompt).append(text(shownFrom, shownTo)).append("\033[K");
        int back = columns(cursor, shownTo);
        if (back > 0) {
            b.append("\033[").append(back).append('D');
        }
        out.print(b);
        out.flush();
    }

    private int columns(int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            sum += DisplayWidth.of(line.get(i));
        }
        return sum;
    }
}
