package ftp.client;

import java.io.BufferedReader;
import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Where the client talks to its user. Interactive when the JVM has a console (standard input and output are a
 * terminal): prompts are shown, lines are edited in raw mode ({@link LineEditor}, with {@link TtyMode}), the
 * password is read without echo, Ctrl-C can stop a transfer, progress bars redraw in place. Where {@code stty}
 * cannot set raw mode, the console reads plain lines. Otherwise commands are read line by line without prompts, for
 * scripts and tests. Text is written in the system's charset, or UTF-8 when that is plain ASCII (a bare POSIX locale
 * would turn every Chinese message into question marks). Main thread.
 */
final class Terminal {
    private final Console console;
    private final BufferedReader in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    /** Raw-mode editing; null where not interactive, or where stty cannot set raw mode. */
    private final TtyMode tty;
    private final Keyboard keyboard;
    private final LineEditor editor;

    /** A terminal without raw-mode editing: a console's plain lines, or lines from {@code in} when none. */
    Terminal(Console console, BufferedReader in, PrintStream out, PrintStream err, Map<String, String> env) {
        this(console, in, out, err, env, null, null);
    }

    private Terminal(Console console, BufferedReader in, PrintStream out, PrintStream err, Map<String, String> env,
                     TtyMode tty, Keyboard keyboard) {
        this.console = console;
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = env;
        this.tty = tty;
        this.keyboard = keyboard;
        this.editor = keyboard == null ? null : new LineEditor(keyboard, out, this::width);
    }

    static Terminal system(Map<String, String> env) {
        Charset charset = charset();
        Console console = System.console();
        Optional<TtyMode> tty = console == null ? Optional.empty() : TtyMode.capture();
        FileInputStream stdin = new FileInputStream(FileDescriptor.in);
        return new Terminal(console, new BufferedReader(new InputStreamReader(stdin, charset)),
                new PrintStream(new FileOutputStream(FileDescriptor.out), true, charset),
                new PrintStream(new FileOutputStream(FileDescriptor.err), true, charset),
                env, tty.orElse(null), tty.isPresent() ? new Keyboard(stdin) : null);
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

    /**
     * An answer to a question (the user name, a number from a list, yes or no), with the prompt shown when
     * interactive; null at the end of input, and for Ctrl-C on a terminal.
     */
    String readLine(String prompt) throws IOException {
        if (editor != null && tty.raw()) {
            err.flush();
            return editor.readAnswer(prompt);
        }
        return plainLine(prompt);
    }

    /**
     * A command line at the prompt; null at the end of input. When editing, Tab asks {@code completer}, Up and Down
     * walk {@code history}, and Ctrl-C drops the line and starts a new one.
     */
    String readCommand(String prompt, History history, LineEditor.Completer completer) throws IOException {
        if (editor != null && tty.raw()) {
            err.flush();
            return editor.readLine(prompt, history, completer);
        }
        return plainLine(prompt);
    }

    private String plainLine(String prompt) throws IOException {
        if (console != null) {
            out.flush();
            return console.readLine("%s", prompt);
        }
        return in.readLine();
    }

    /** A password, without echo when interactive; null at the end of input. */
    char[] readPassword(String prompt) throws IOException {
        if (editor != null && tty.raw()) {
            return editor.readPassword(prompt);
        }
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
        return keyboard == null ? () -> { } : keyboard.watch(action);
    }

    /** The terminal as the user had it, for a program run from the shell ({@code !cmd}) and at the end. */
    void restore() {
        if (tty != null) {
            tty.restore();
        }
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
            int n = TtyMode.columns();
            if (n > 0) {
                return n;
            }
        }
        return 80;
    }
}
