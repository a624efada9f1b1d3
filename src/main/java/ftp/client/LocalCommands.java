package ftp.client;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shell's commands on the local side: {@code lcd}, {@code lls}, {@code lpwd}. Main thread. */
final class LocalCommands {
    private LocalCommands() {}

    static List<ShellCommand> all() {
        return List.of(
                new ShellCommand("lcd", 0, 1, LocalCommands::changeDirectory),
                new ShellCommand("lls", 0, 1, LocalCommands::list),
                new ShellCommand("lpwd", 0, 0, (s, args) -> {
                    s.terminal().out().println(s.localDir());
                    return true;
                }));
    }

    private static boolean changeDirectory(ShellSession s, List<String> args) throws IOException {
        Path dir = args.isEmpty() ? s.downloadDir() : s.local(args.get(0));
        if (!args.isEmpty() && !Files.isDirectory(dir)) {
            s.fail("local.notdir", dir);
            return false;
        }
        Files.createDirectories(dir);
        s.localDir(dir);
        s.say("lcd.now", dir);
        return true;
    }

    private static boolean list(ShellSession s, List<String> args) throws IOException {
        Path dir = args.isEmpty() ? s.localDir() : s.local(args.get(0));
        PrintStream out = s.terminal().out();
        if (Files.isRegularFile(dir)) {
            out.println(line(dir));
            return true;
        }
        if (!Files.isDirectory(dir)) {
            s.localNotFound(args.get(0), dir);
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            // Hidden like ls hides them: among them the client's own records of unfinished transfers.
            entries.filter(p -> !p.getFileName().toString().startsWith(".")).sorted()
                    .forEach(p -> out.println(line(p)));
        }
        return true;
    }

    private static String line(Path p) {
        String name = p.getFileName().toString();
        if (Files.isDirectory(p)) {
            return String.format("%12s  %s/", "-", name);
        }
        try {
            return String.format("%12s  %s", SizeFormat.size(Files.size(p)), name);
        } catch (IOException e) {
            return String.format("%12s  %s", "?", name);
        }
    }
}
