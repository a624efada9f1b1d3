package ftp.client;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits what the user typed: a line into words (whitespace separates, double or single quotes keep spaces in a
 * name, a backslash escapes the next character), and a {@code -c} argument into commands at unquoted {@code ;}.
 * Stateless; any thread.
 */
final class ShellWords {
    private ShellWords() {}

    /** The words of one command line; an unterminated quote ends at the end of the line. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()
                        && "\"\\".indexOf(line.charAt(i + 1)) >= 0) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** The commands of a {@code -c "CMD; CMD"} argument, quotes kept for {@link #split}; blank ones dropped. */
    static List<String> commands(String script) {
        List<String> commands = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (quote == 0 && c == '\\' && i + 1 < script.length()) {
                current.append(c).append(script.charAt(++i));
                continue;
            }
            if (quote != 0 && c == quote) {
                quote = 0;
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (quote == 0 && (c == ';' || c == '\n')) {
                addIfNotBlank(commands, current);
                continue;
            }
            current.append(c);
        }
        addIfNotBlank(commands, current);
        return commands;
    }

    /** {@code word} as {@link #split} reads it back: quoted when it holds spaces or quotes. */
    static String quote(String word) {
        if (!word.isEmpty() && word.chars().noneMatch(c -> Character.isWhitespace(c) || "\"'\\;".indexOf(c) >= 0)) {
            return word;
        }
        return "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void addIfNotBlank(List<String> commands, StringBuilder current) {
        if (!current.toString().isBlank()) {
            commands.add(current.toString().trim());
        }
        current.setLength(0);
    }
}
