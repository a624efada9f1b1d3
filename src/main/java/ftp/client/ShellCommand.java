package ftp.client;

import java.io.IOException;
import java.util.List;

/**
 * One command of the shell: its name, aliases, the one-letter flags it takes ({@link Flags}), how many operands, and
 * what it does. Its help texts are the messages {@code help.<name>.usage} and {@code help.<name>.text}. Immutable;
 * main thread runs the action.
 *
 * @param flags the flag letters allowed, e.g. {@code "fr"}; the action reads them with {@link Flags#of}
 */
record ShellCommand(String name, List<String> aliases, String flags, int minArgs, int maxArgs, Action action) {

    /** Runs the command; false when it failed (the reason already told to the user). */
    @FunctionalInterface
    interface Action {
        boolean run(ShellSession session, List<String> args) throws IOException;
    }

    ShellCommand(String name, List<String> aliases, int minArgs, int maxArgs, Action action) {
        this(name, aliases, "", minArgs, maxArgs, action);
    }

    ShellCommand(String name, int minArgs, int maxArgs, Action action) {
        this(name, List.of(), "", minArgs, maxArgs, action);
    }
}
