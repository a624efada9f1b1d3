package ftp.client;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The terminal's line discipline, set with {@code stty} on {@code /dev/tty}: the JDK has no other way to read keys
 * one by one. Raw here means no echo, no line buffering, and Ctrl-C delivered as a key instead of a signal (so it
 * can stop a transfer and keep the session); Ctrl-Z and output processing stay as they were. The settings found at
 * start are put back when the client ends, by a shutdown hook too, so an exit, a {@code kill}, or a hangup never
 * leaves the terminal raw. Main thread, and the shutdown hook.
 */
final class TtyMode {
    private static final File TTY = new File("/dev/tty");
    private static final List<String> RAW = List.of("-icanon", "-echo", "-iexten", "intr", "undef", "min", "1",
            "time", "0");

    private final String saved;
    private boolean raw;

    private TtyMode(String saved) {
        this.saved = saved;
    }

    /** The terminal's mode as it is now, to be put back at the end; empty when {@code stty} cannot tell. */
    static Optional<TtyMode> capture() {
        Optional<String> saved = stty(List.of("-g"));
        if (saved.isEmpty() || saved.get().isBlank()) {
            return Optional.empty();
        }
        TtyMode mode = new TtyMode(saved.get().trim());
        Runtime.getRuntime().addShutdownHook(new Thread(mode::restore, "tty-restore"));
        return Optional.of(mode);
    }

    /**
     * Raw mode, set again before each line is read: a program run with {@code !cmd}, or the shell after Ctrl-Z,
     * may have changed it meanwhile. False when {@code stty} failed.
     */
    synchronized boolean raw() {
        raw = stty(RAW).isPresent();
        return raw;
    }

    /** The mode found at start, for a program the user runs ({@code !cmd}) and at the end. */
    synchronized void restore() {
        if (raw) {
            stty(List.of(saved));
            raw = false;
        }
    }

    /** The terminal's columns; -1 when {@code stty} cannot tell. */
    static int columns() {
        String[] rowsColumns = stty(List.of("size")).orElse("").trim().split("\\s+");
        try {
            return rowsColumns.length == 2 ? Integer.parseInt(rowsColumns[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Runs {@code stty ARGS} on the terminal; its output, or empty when it failed. */
    private static Optional<String> stty(List<String> args) {
        List<String> command = new ArrayList<>(List.of("stty"));
        command.addAll(args);
        try {
            Process p = new ProcessBuilder(command).redirectInput(TTY)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroy();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
