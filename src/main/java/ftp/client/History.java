package ftp.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command lines typed at the prompt, oldest first, for Up and Down; kept in a file between sessions, at most
 * {@code limit} lines, without the spaces around them. A line the same as the one before, or blank, is not added. The file is written after
 * each line (small, and the client may be killed); a file that cannot be written only loses the history. Main
 * thread.
 */
final class History {
    private final Path file;
    private final int limit;
    private final List<String> lines = new ArrayList<>();

    /** {@code file} null: kept in memory only. */
    History(Path file, int limit) {
        this.file = file;
        this.limit = limit;
        if (file != null && Files.isRegularFile(file)) {
            try {
                Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).forEach(lines::add);
            } catch (IOException e) {
                // Unreadable: start empty.
            }
            trim();
        }
    }

    int size() {
        return lines.size();
    }

    /** The line at {@code index}, 0 the oldest. */
    String get(int index) {
        return lines.get(index);
    }

    void add(String typed) {
        String line = typed.strip();
        if (line.isEmpty() || line.contains("\n") || (!lines.isEmpty() && lines.get(lines.size() - 1).equals(line))) {
            return;
        }
        lines.add(line);
        trim();
        if (file != null) {
            try {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.write(file, lines, StandardCharsets.UTF_8);
            } catch (IOException e) {
                // Not kept for the next session; this one still has it.
            }
        }
    }

    private void trim() {
        if (lines.size() > limit) {
            lines.subList(0, lines.size() - limit).clear();
        }
    }
}
