package ftp.client;

import java.io.BufferedReader;
import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where the client talks to its user. Interactive when the JVM has a console (standard input and output are a
 * terminal): prompts are shown, the password is read without echo, progress bars redraw in place. Otherwise
 * commands are read line by line without prompts, for scripts and tests. Text is written in the system's charset,
 * or UTF-8 when that is plain ASCII (a bare POSIX locale would turn every Chinese message into question marks).
 * Main thread.
 */
final class Terminal {
    private final Console console;
    private final BufferedReader in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    Terminal(Console console, BufferedReader in, PrintStream out, PrintStream err, Map<String, String> env) {
        this.console = console;
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = env;
    }

    static Terminal system(Map<String, String> env) {
        Charset charset = charset();
        return new Terminal(System.console(),
                new BufferedReader(new InputStreamReader(new FileInputStream(FileDescriptor.in), charset)),
                new PrintStream(new FileOutputStream(FileDescriptor.out), true, charset),
                new PrintStream(new FileOutputStream(FileDescriptor.err), true, charset),
                env);
    }

    private static Charset charset() {
        String name = System.getProperty("native.encoding", "UTF-8");
        try {
            Charset system = Charset.forName(name);
            return system.equals(StandardCharsets.US_ASCII) ? StandardCharsets.UTF_8 : system;
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    boolean interactive() {
        return console != null;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    /** A line, with the prompt shown when interactive; null at the end of input. */
    String readLine(String prompt) throws IOException {
        if (console != null) {
            out.flush();
            return console.readLine("%s", prompt);
        }
        return in.readLine();
    }

    /** A password, without echo when interactive; null at the end of input. */
    char[] readPassword(String prompt) throws IOException {
        if (console != null) {
            out.flush();
            return console.readPassword("%s", prompt);
        }
        String line = in.readLine();
        return line == null ? null : line.toCharArray();
    }

    /** What {@link #onInterrupt} returns: closing it stops the watching. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** Until the result is closed, Ctrl-C typed on the terminal runs {@code action} (another thread). */
    Watch onInterrupt(Runnable action) {
        return () -> { };
    }

    /** Columns for a progress line: {@code COLUMNS}, else what {@code stty} says of the terminal, else 80. */
    int width() {
        String columns = env.get("COLUMNS");
        if (columns != null) {
            try {
                int n = Integer.parseInt(columns.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // Fall through to the terminal's own idea.
            }
        }
        if (console != null) {
            int n = sttyColumns();
            if (n > 0) {
                return n;
            }
        }
        return 80;
    }

    private static int sttyColumns() {
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String size = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroy();
                return -1;
            }
            String[] rowsColumns = size.split("\\s+");
            return rowsColumns.length == 2 ? Integer.parseInt(rowsColumns[1]) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
