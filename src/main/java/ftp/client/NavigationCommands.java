package ftp.client;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/** The shell's remote directory commands {@code ls}, {@code cd}, {@code pwd}. Main thread. */
final class NavigationCommands {
    private NavigationCommands() {}

    static List<ShellCommand> all() {
        return List.of(
                new ShellCommand("ls", List.of("dir"), "", "r", 0, 1, NavigationCommands::list),
                new ShellCommand("cd", "r", 0, 1, NavigationCommands::changeDirectory),
                new ShellCommand("pwd", "", 0, 0, NavigationCommands::printDirectory));
    }

    private static boolean list(ShellSession s, List<String> args) throws IOException {
        FtpClient client = s.remote();
        String path = args.isEmpty() ? "" : args.get(0);
        if (path.equals("~") || path.startsWith("~/")) {
            path = s.resolve(path);
        }
        PrintStream out = s.terminal().out();
        ListingLines printer = new ListingLines(out::println);
        try (printer) {
            client.list(path, printer);
        } catch (FtpReplyException e) {
            s.refused("ls.failed", e, args.isEmpty() ? "." : args.get(0));
            return false;
        } finally {
            out.flush();
        }
        if (printer.count() == 0) {
            s.say("ls.empty", args.isEmpty() ? RemotePath.display(s.home(), s.cwd()) : args.get(0));
        }
        return true;
    }

    private static boolean changeDirectory(ShellSession s, List<String> args) throws IOException {
        FtpClient client = s.remote();
        String target = s.resolve(args.isEmpty() ? "~" : args.get(0));
        try {
            client.cwd(target);
        } catch (FtpReplyException e) {
            s.refused("cd.failed", e, args.get(0));
            return false;
        }
        s.cwd(client.pwd());
        return true;
    }

    private static boolean printDirectory(ShellSession s, List<String> args) throws IOException {
        FtpClient client = s.remote();
        s.cwd(client.pwd());
        s.terminal().out().println(s.cwd());
        return true;
    }
}
