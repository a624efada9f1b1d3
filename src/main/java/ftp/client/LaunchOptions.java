package ftp.client;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The command line of {@code bin/ftp}: {@code [--conf DIR] [-u USER] [-c "CMD; CMD"] [--plain] [--debug]
 * [HOST [PORT]]}, plus {@code --home-dir DIR} put first by the wrapper script. Immutable; any thread.
 *
 * @param confDir  the conf directory: {@code --conf}, else {@code conf/} in the home dir, else {@code ./conf}
 * @param commands the {@code -c} script, run instead of reading commands
 * @param debug    show the protocol dialog on standard error (the password masked)
 */
record LaunchOptions(Path confDir, Optional<String> user, Optional<String> commands, boolean plain, boolean debug,
                     boolean help, Optional<String> host, Optional<Integer> port) {

    static final String USAGE = "usage: ftp [--conf DIR] [-u USER] [-c \"CMD; CMD\"] [--plain] [--debug] [HOST [PORT]]";

    /** Throws {@link IllegalArgumentException} with a message for the user when the line is wrong. */
    static LaunchOptions parse(String[] args) {
        Path home = null;
        Path conf = null;
        String user = null;
        String commands = null;
        boolean plain = false;
        boolean debug = false;
        boolean help = false;
        String host = null;
        Integer port = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--home-dir" -> home = Path.of(argument(args, ++i, a));
                case "--conf" -> conf = Path.of(argument(args, ++i, a));
                case "-u", "--user" -> user = argument(args, ++i, a);
                case "-c" -> commands = argument(args, ++i, a);
                case "--plain" -> plain = true;
                case "--debug" -> debug = true;
                case "-h", "--help" -> help = true;
                default -> {
                    if (a.startsWith("-") && a.length() > 1) {
                        throw new IllegalArgumentException("unknown option " + a);
                    } else if (host == null) {
                        host = a;
                    } else if (port == null) {
                        port = port(a);
                    } else {
                        throw new IllegalArgumentException("unexpected argument " + a);
                    }
                }
            }
        }
        Path confDir = conf != null ? conf : home != null ? home.resolve("conf") : Path.of("conf");
        return new LaunchOptions(confDir, Optional.ofNullable(user), Optional.ofNullable(commands), plain, debug,
                help, Optional.ofNullable(host), Optional.ofNullable(port));
    }

    private static String argument(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: " + text, e);
        }
    }
}
