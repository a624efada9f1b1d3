package ftp.client;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The shell's remote directory commands {@code ls}, {@code cd}, {@code pwd}. Main thread. */
final class NavigationCommands {
    private NavigationCommands() {}

    static List<ShellCommand> all() {
        return List.of(
                new ShellCommand("ls", List.of("dir"), 0, 1, NavigationCommands::list),
                new ShellCommand("cd", 0, 1, NavigationCommands::changeDirectory),
                new ShellCommand("pwd", 0, 0, NavigationCommands::printDirectory));
    }

    private static boolean list(ShellSession s, List<String> args) throws IOException {
        FtpClient client = s.remote();
        String path = args.isEmpty() ? "" : args.get(0);
        if (path.equals("~") || path.startsWith("~/")) {
            path = s.resolve(path);
        }
        ListingPrinter printer = new ListingPrinter(s.terminal().out());
        try (printer) {
            client.list(path, printer);
        } catch (FtpReplyException e) {
            s.refused("ls.failed", e, args.isEmpty() ? "." : args.get(0));
            return false;
        }
        if (printer.lines == 0) {
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

    /**
     * Prints a listing as it arrives, line by line, decoding UTF-8 names for the terminal's charset. A line is cut
     * at a bound so a listing without line breaks cannot grow in memory.
     */
    private static final class ListingPrinter extends OutputStream {
        private static final int MAX_LINE = 64 * 1024;
        private final PrintStream out;
        private final byte[] line = new byte[MAX_LINE];
        private int length;
        private int lines;

        ListingPrinter(PrintStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                emit();
                return;
            }
            if (length == MAX_LINE) {
                emit();
            }
            line[length++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        private void emit() {
            int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
            out.println(new String(line, 0, end, StandardCharsets.UTF_8));
            length = 0;
            lines++;
        }

        @Override
        public void close() {
            if (length > 0) {
                emit();
            }
            out.flush();
        }
    }
}
