package ftp.client;

import java.io.IOException;
import java.util.List;

/**
 * One command of the shell: its name, aliases, the one-letter flags it takes ({@link Flags}), what its operands are
 * (for Tab), how many it takes, and what it does. Its help texts are the messages {@code help.<name>.usage} and
 * {@code help.<name>.text}. Immutable; main thread runs the action.
 *
 * @param flags    the flag letters allowed, e.g. {@code "fr"}; the action reads them with {@link Flags#of}
 * @param operands what each operand names, for completion: {@code r} a remote path, {@code l} a local one,
 *                 {@code c} a command; the last letter stands for all the operands after it ({@code ""}: none)
 */
record ShellCommand(String name, List<String> aliases, String flags, String operands, int minArgs, int maxArgs,
                    Action action) {

    /** Runs the command; false when it failed (the reason already told to the user). */
    @FunctionalInterface
    interface Action {
        boolean run(ShellSession session, List<String> args) throws IOException;
    }

    ShellCommand(String name, String operands, int minArgs, int maxArgs, Action action) {
        this(name, List.of(), "", operands, minArgs, maxArgs, action);
    }

    /** What the operand at {@code index} (0 for the first) names: {@code r}, {@code l}, {@code c}, or 0 for none. */
    char operand(int index) {
        return operands.isEmpty() ? 0 : operands.charAt(Math.min(index, operands.length() - 1));
    }
}
