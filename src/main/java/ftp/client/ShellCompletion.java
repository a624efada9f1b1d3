package ftp.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Tab at the prompt: the first word completes to a command, the others to what the command's operand names
 * ({@link ShellCommand#operand}): a remote path (listed with MLSD), a local one, or a command. Names are inserted
 * escaped as {@link ShellWords} reads them back (or inside the quote the word opened); a folder gets a {@code /}, so
 * Tab goes on into it, anything else a space. Hidden names are offered once a dot is typed. Main thread.
 */
final class ShellCompletion implements LineEditor.Completer {
    private final ShellSession session;
    private final Map<String, ShellCommand> byName;

    /** {@code byName}: every command under its name and its aliases. */
    ShellCompletion(ShellSession session, Map<String, ShellCommand> byName) {
        this.session = session;
        this.byName = byName;
    }

    /** The word being typed: its start in the line, what it says (unescaped), and the quote it opened, or 0. */
    private record Word(int start, String text, char quote) {}

    @Override
    public LineEditor.Completion complete(String before) {
        List<Word> words = words(before);
        Word current = words.get(words.size() - 1);
        if (words.size() == 1) {
            return names(current, commands(current.text()));
        }
        ShellCommand command = byName.get(words.get(0).text().toLowerCase(Locale.ROOT));
        if (command == null || (!command.flags().isEmpty() && current.text().startsWith("-"))) {
            return LineEditor.Completion.NONE;
        }
        long operand = words.subList(1, words.size() - 1).stream()
                .filter(w -> command.flags().isEmpty() || !w.text().startsWith("-")).count();
        String typed = current.text();
        int slash = typed.lastIndexOf('/');
        String folder = typed.substring(0, slash + 1);
        String prefix = typed.substring(slash + 1);
        try {
            List<String> found = switch (command.operand((int) operand)) {
                case 'c' -> commands(typed);
                case 'r' -> remote(folder, prefix);
                case 'l' -> local(folder, prefix);
                default -> List.of();
            };
            return names(current, found.stream().map(n -> folder + n).toList());
        } catch (IOException | RuntimeException e) {
            return LineEditor.Completion.NONE; // a listing that fails completes nothing
        }
    }

    private List<String> commands(String prefix) {
        return byName.keySet().stream().filter(n -> n.startsWith(prefix)).sorted().toList();
    }

    /** Names in the remote folder {@code folder} (as typed; empty for the current one) that start with prefix. */
    private List<String> remote(String folder, String prefix) throws IOException {
        String path = folder.isEmpty() ? session.cwd() : session.resolve(folder);
        Optional<List<RemoteEntry>> entries = session.remote().entries(path);
        return entries.orElse(List.of()).stream().filter(e -> matches(e.name(), prefix))
                .map(e -> e.directory() ? e.name() + "/" : e.name()).sorted().toList();
    }

    private List<String> local(String folder, String prefix) throws IOException {
        Path dir = session.local(folder.isEmpty() ? "." : folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> matches(p.getFileName().toString(), prefix))
                    .map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).sorted().toList();
        }
    }

    private static boolean matches(String name, String prefix) {
        return name.startsWith(prefix) && (prefix.startsWith(".") || !name.startsWith("."));
    }

    /** Replacements for {@code word}: each name escaped, then {@code /} kept or a space (and the quote closed). */
    private static LineEditor.Completion names(Word word, List<String> names) {
        List<String> replacements = new ArrayList<>();
        List<String> shown = new ArrayList<>();
        for (String name : names) {
            boolean folder = name.endsWith("/");
            String end = folder ? "" : (word.quote() != 0 ? String.valueOf(word.quote()) : "") + " ";
            replacements.add((word.quote() != 0 ? word.quote() + name : escaped(name)) + end);
            String last = folder ? name.substring(0, name.length() - 1) : name;
            shown.add(last.substring(last.lastIndexOf('/') + 1) + (folder ? "/" : ""));
        }
        return new LineEditor.Completion(word.start(), replacements, shown);
    }

    private static String escaped(String name) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || "\"'\\;#".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** The words of {@code line} as {@link ShellWords#split} reads them, with where each starts; the last may be "". */
    private static List<Word> words(String line) {
        List<Word> words = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int start = -1;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (start < 0 && !Character.isWhitespace(c)) {
                start = i;
            }
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    text.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '\\' && i + 1 < line.length()) {
                text.append(line.charAt(++i));
            } else if (Character.isWhitespace(c)) {
                if (start >= 0) {
                    words.add(new Word(start, text.toString(), (char) 0));
                    text.setLength(0);
                    start = -1;
                }
            } else {
                text.append(c);
            }
        }
        words.add(new Word(start < 0 ? line.length() : start, text.toString(), quote));
        return words;
    }
}
