package ftp.client;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command loop: reads command lines (from the terminal with a prompt, from standard input without one, or from
 * a {@code -c} script), answers {@code cmd --help} and {@code cmd /?} for every command, checks argument counts,
 * runs the command, and remembers whether any failed for the exit code. A lost connection fails the command that
 * hit it; the next command logs in again. Main thread.
 */
final class Shell {
    private final ShellSession session;
    private final Map<String, ShellCommand> byName = new LinkedHashMap<>();
    private final List<ShellCommand> commands = new ArrayList<>();
    private final History history;
    private final ShellCompletion completion;
    private boolean quit;
    private boolean anyFailed;

    Shell(ShellSession session) {
        this.session = session;
        List<ShellCommand> all = new ArrayList<>();
        all.add(new ShellCommand("help", List.of("?"), "", "c", 0, 1, (s, args) -> help(args)));
        all.addAll(NavigationCommands.all());
        all.addAll(RemoteFileCommands.all());
        all.addAll(UploadCommands.all());
        all.addAll(DownloadCommands.all());
        all.addAll(LocalCommands.all());
        all.add(new ShellCommand("quit", List.of("exit", "bye"), "", "", 0, 0, (s, args) -> {
            quit = true;
            return true;
        }));
        for (ShellCommand c : all) {
            commands.add(c);
            byName.put(c.name(), c);
            c.aliases().forEach(a -> byName.put(a, c));
        }
        ClientSettings settings = session.settings();
        history = new History(settings.historySize() > 0 ? settings.history() : null, settings.historySize());
        completion = new ShellCompletion(session, byName);
    }

    /** Runs the {@code -c} script's commands, or else every line of input; returns the exit code. */
    int run(String script) throws IOException {
        if (script != null) {
            for (String line : ShellWords.commands(script)) {
                execute(line);
                if (quit) {
                    break;
                }
            }
        } else {
            while (!quit) {
                String line = session.terminal().readCommand(session.prompt(), history, completion);
                if (line == null) {
                    break;
                }
                execute(line);
            }
            if (session.terminal().interactive()) {
                session.say("goodbye");
            }
        }
        return anyFailed ? 1 : 0;
    }

    boolean anyFailed() {
        return anyFailed;
    }

    /** Runs one command line; false when it failed. */
    boolean execute(String line) {
        boolean ok = dispatch(line);
        anyFailed |= !ok;
        return ok;
    }

    private boolean dispatch(String line) {
        if (line.strip().startsWith("!")) {
            return perform((s, args) -> LocalCommands.runShell(s, line.strip().substring(1).strip()), List.of());
        }
        List<String> words = ShellWords.split(line);
        if (words.isEmpty() || words.get(0).startsWith("#")) {
            return true;
        }
        String name = words.get(0).toLowerCase(Locale.ROOT);
        ShellCommand command = byName.get(name);
        if (command == null) {
            session.fail("unknown.command", words.get(0));
            return false;
        }
        List<String> args = words.subList(1, words.size());
        if (args.size() == 1 && isHelpFlag(args.get(0))) {
            printHelp(command, session.terminal().out());
            return true;
        }
        List<String> operands = args;
        if (!command.flags().isEmpty()) {
            Flags flags = Flags.of(args);
            for (char flag : flags.set()) {
                if (command.flags().indexOf(flag) < 0) {
                    session.fail("unknown.flag", command.name(), "-" + flag);
                    session.fail("usage", session.messages().get("help." + command.name() + ".usage"));
                    return false;
                }
            }
            operands = flags.operands();
        }
        if (operands.size() < command.minArgs() || operands.size() > command.maxArgs()) {
            session.fail("usage", session.messages().get("help." + command.name() + ".usage"));
            return false;
        }
        return perform(command.action(), List.copyOf(args));
    }

    /** At login: the unfinished transfers, offered for resuming; counts as a command for the exit code. */
    boolean offerUnfinishedTransfers() {
        boolean ok = perform((s, args) -> UnfinishedTransfers.offerAtLogin(s), List.of());
        anyFailed |= !ok;
        return ok;
    }

    /** Runs an action and tells the user what went wrong, if anything; false when it failed. */
    private boolean perform(ShellCommand.Action action, List<String> args) {
        try {
            return action.run(session, args);
        } catch (FtpReplyException e) {
            session.refused("server.refused", e);
            return false;
        } catch (ProtocolException e) {
            session.fail("protocol.error", e.getMessage());
            session.dropConnection();
            return false;
        } catch (IOException e) {
            if (session.connectionLost()) {
                session.dropConnection();
                session.fail("connection.lost", describe(e, session.messages()));
            } else {
                session.fail("local.error", describe(e, session.messages()));
            }
            return false;
        } catch (IllegalArgumentException e) {
            session.fail("local.error", e.getMessage());
            return false;
        }
    }

    static boolean isHelpFlag(String arg) {
        return arg.equals("--help") || arg.equals("/?") || arg.equals("-h");
    }

    private boolean help(List<String> args) {
        PrintStream out = session.terminal().out();
        Messages m = session.messages();
        if (!args.isEmpty()) {
            ShellCommand command = byName.get(args.get(0).toLowerCase(Locale.ROOT));
            if (command == null) {
                session.fail("unknown.command", args.get(0));
                return false;
            }
            printHelp(command, out);
            return true;
        }
        out.println(m.get("help.header"));
        for (ShellCommand c : commands) {
            String usage = m.get("help." + c.name() + ".usage");
            String summary = m.get("help." + c.name() + ".text").lines().findFirst().orElse("");
            out.println("  " + DisplayWidth.pad(usage, 38) + " " + summary);
        }
        out.println("  " + DisplayWidth.pad(m.get("help.shell.usage"), 38) + " " + m.get("help.shell.text"));
        out.println(m.get("local.folder", session.localDir()));
        return true;
    }

    private void printHelp(ShellCommand command, PrintStream out) {
        Messages m = session.messages();
        out.println(m.get("usage", m.get("help." + command.name() + ".usage")));
        if (!command.aliases().isEmpty()) {
            out.println(m.get("help.aliases", String.join(", ", command.aliases())));
        }
        m.get("help." + command.name() + ".text").lines().forEach(l -> out.println("    " + l));
    }

    private static String describe(IOException e, Messages messages) {
        if (e instanceof ServerClosedException closed) {
            return ServerReplies.describe(closed.reply(), messages);
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
