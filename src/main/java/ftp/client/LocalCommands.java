package ftp.client;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shell's commands on the local side: {@code lcd}, {@code lls}, {@code lpwd}, and {@code !cmd}, a command of the
 * local shell run in the local folder. Main thread.
 */
final class LocalCommands {
    private LocalCommands() {}

    static List<ShellCommand> all() {
        return List.of(
                new ShellCommand("lcd", "l", 0, 1, LocalCommands::changeDirectory),
                new ShellCommand("lls", "l", 0, 1, LocalCommands::list),
                new ShellCommand("lpwd", "", 0, 0, (s, args) -> {
                    s.terminal().out().println(s.localDir());
                    return true;
                }));
    }

    /**
     * {@code !cmd}: runs {@code cmd} with {@code sh -c} in the local folder; {@code !} alone starts the user's shell.
     * On a terminal the program gets the terminal, as the user had it before raw mode; in a script its output joins
     * ours and it reads nothing of the script. Fails when the program does.
     */
    static boolean runShell(ShellSession s, String command) throws IOException {
        boolean terminal = s.terminal().interactive();
        if (command.isEmpty() && !terminal) {
            s.fail("usage", "!command");
            return false;
        }
        List<String> argv = command.isEmpty() ? List.of(System.getenv().getOrDefault("SHELL", "/bin/sh"))
                : List.of("/bin/sh", "-c", command);
        ProcessBuilder builder = new ProcessBuilder(argv).directory(s.localDir().toFile());
        if (terminal) {
            builder.inheritIO();
            s.terminal().restore();
        } else {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectErrorStream(true);
        }
        s.terminal().out().flush();
        int status;
        try {
            Process p = builder.start();
            if (!terminal) {
                p.getInputStream().transferTo(s.terminal().out());
            }
            status = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while " + command + " ran");
        }
        if (status != 0) {
            s.fail("shell.status", command.isEmpty() ? argv.get(0) : command, status);
            return false;
        }
        return true;
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
