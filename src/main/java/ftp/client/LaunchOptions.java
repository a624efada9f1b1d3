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

    /** What {@code --help} prints: the synopsis and every option. */
    static final String HELP = String.join(System.lineSeparator(),
            USAGE,
            "",
            "Connects to HOST (default: server.host in ftp.properties) on PORT (default: server.port, 2121), asks",
            "for the user name and password, and runs commands: typed at the prompt (\"help\" lists them,",
            "\"CMD --help\" explains one), read from standard input when it is not a terminal, or given with -c.",
            "",
            "options:",
            "  -u, --user USER  log in as USER instead of asking",
            "  -c \"CMD; CMD\"    run these commands (separated by ';') after logging in, then exit; the exit",
            "                   code is 0 when every command succeeded, 1 when one failed",
            "  --plain          connect without TLS (no AUTH TLS): names, passwords and data cross the network",
            "                   in clear; for a server with tls.mode=off, or one on this machine",
            "  --debug          show the protocol dialog on standard error (the password masked)",
            "  --conf DIR       the conf directory holding ftp.properties (default: conf/ beside bin/);",
            "                   relative paths in it resolve against DIR's parent",
            "  -h, --help       this text",
            "",
            "environment: FTP_PASSWORD  the password, instead of asking",
            "exit codes: 0 ok, 1 a command or the login failed, 2 wrong command line or settings");

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
