package ftp.client;

import ftp.testing.Eventually;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program on a pseudo-terminal, typed at as a user would: Python's {@code pty} module runs it as the session
 * leader of a new terminal ({@code columns} wide) and relays keys from our pipe to the terminal and the screen's
 * bytes back. What is typed goes through the terminal's line discipline, so Ctrl-C, Ctrl-D and the arrow keys
 * arrive as they would from a keyboard. Owned by one test.
 */
final class PseudoTerminal implements AutoCloseable {
    private static final String RELAY = String.join("\n",
            "import fcntl, os, pty, select, struct, sys, termios",
            "columns, argv = int(sys.argv[1]), sys.argv[2:]",
            "pid, fd = pty.fork()",
            "if pid == 0:",
            "    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 40, columns, 0, 0))",
            "    os.execvp(argv[0], argv)",
            "keys_open = True",
            "while True:",
            "    ready = select.select([fd] + ([0] if keys_open else []), [], [])[0]",
            "    if fd in ready:",
            "        try:",
            "            screen = os.read(fd, 65536)",
            "        except OSError:",
            "            screen = b''",
            "        if not screen:",
            "            break",
            "        os.write(1, screen)",
            "    if 0 in ready:",
            "        keys = os.read(0, 65536)",
            "        if keys:",
            "            os.write(fd, keys)",
            "        else:",
            "            keys_open = False",
            "status = os.waitpid(pid, 0)[1]",
            "sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))",
            "");
    /** Long enough for a loaded machine to start a JVM and log in over TLS. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Process process;
    private final OutputStream keys;
    private final StringBuilder screen = new StringBuilder();
    private final Thread reader;
    /** Where in the screen the next {@link #waitFor} starts looking. */
    private int seen;

    private PseudoTerminal(Process process) {
        this.process = process;
        this.keys = process.getOutputStream();
        this.reader = new Thread(this::read, "pty-screen");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} on a new terminal in {@code dir}, with {@code env} added to ours. */
    static PseudoTerminal start(List<String> command, Path dir, Map<String, String> env, int columns)
            throws IOException {
        List<String> argv = new ArrayList<>(List.of("python3", "-c", RELAY, Integer.toString(columns)));
        argv.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().remove("COLUMNS");
        builder.environment().putAll(env);
        return new PseudoTerminal(builder.start());
    }

    private void read() {
        try (InputStream in = process.getInputStream()) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                String text = new String(buffer, 0, n, StandardCharsets.UTF_8);
                synchronized (screen) {
                    screen.append(text);
                }
            }
        } catch (IOException e) {
            // The relay ended.
        }
    }

    /** Types {@code text}: characters, and control keys such as {@code "\u0003"} for Ctrl-C. */
    void type(String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    /**
     * Waits until {@code text} appears after what earlier waits found, and returns the screen up to its end. Fails
     * with the whole screen when it does not come.
     */
    String waitFor(String text) throws InterruptedException {
        boolean found = Eventually.holds(WAIT, () -> screen().indexOf(text, seen) >= 0);
        String all = screen();
        if (!found) {
            throw new AssertionError("no \"" + text + "\" on the screen after position " + seen + ":\n" + all);
        }
        seen = all.indexOf(text, seen) + text.length();
        return all.substring(0, seen);
    }

    /** Everything the program has written so far. */
    String screen() {
        synchronized (screen) {
            return screen.toString();
        }
    }

    /** Waits for the program to end and returns its exit code. */
    int exit() throws InterruptedException {
        if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("still running; the screen:\n" + screen());
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    @Override
    public void close() throws IOException {
        keys.close();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
