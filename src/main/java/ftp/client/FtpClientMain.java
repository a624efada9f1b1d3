package ftp.client;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code bin/ftp}: reads the command line and {@code ftp.properties}, asks for the user name and password (or takes
 * {@code -u} and {@code FTP_PASSWORD}), logs in, offers the unfinished downloads, and runs the shell. Exits 0 when
 * every command succeeded, 1 when one failed or the login did, 2 for a wrong command line or settings. Main thread.
 */
public final class FtpClientMain {
    private static final int LOGIN_ATTEMPTS = 3;

    private FtpClientMain() {}

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        System.exit(run(args, env, Terminal.system(env)));
    }

    static int run(String[] args, Map<String, String> env, Terminal terminal) {
        PrintStream err = terminal.err();
        LaunchOptions options;
        ClientSettings settings;
        try {
            options = LaunchOptions.parse(args);
            if (options.help()) {
                terminal.out().println(LaunchOptions.HELP);
                return 0;
            }
            settings = ClientSettings.load(options.confDir());
        } catch (IllegalArgumentException | IOException e) {
            err.println("ftp: " + e.getMessage());
            err.println(LaunchOptions.USAGE);
            return 2;
        }
        Messages messages = new Messages(Messages.choose(settings.locale(), env));
        String host = options.host().orElse(settings.host());
        int port = options.port().orElse(settings.port());
        Connector connector = new Connector(host, port, settings.tls() && !options.plain(), settings, messages,
                terminal, options.debug() ? err : null);
        try {
            return session(options, env, terminal, messages, settings, connector);
        } catch (IOException e) {
            err.println(messages.get("input.error", e.getMessage()));
            return 1;
        }
    }

    private static int session(LaunchOptions options, Map<String, String> env, Terminal terminal, Messages messages,
                               ClientSettings settings, Connector connector) throws IOException {
        String endpoint = KnownHosts.endpoint(connector.host(), connector.port());
        boolean retry = terminal.interactive() && options.user().isEmpty() && env.get("FTP_PASSWORD") == null;
        for (int attempt = 1; attempt <= LOGIN_ATTEMPTS; attempt++) {
            String user = options.user().orElse(null);
            if (user == null) {
                user = terminal.readLine("username>>:");
                if (user == null || user.isBlank()) {
                    terminal.err().println(messages.get("login.no.user"));
                    return 1;
                }
                user = user.trim();
            }
            char[] password = env.get("FTP_PASSWORD") != null ? env.get("FTP_PASSWORD").toCharArray()
                    : terminal.readPassword("password>>:");
            if (password == null) {
                terminal.err().println(messages.get("login.no.password"));
                return 1;
            }
            FtpClient client;
            try {
                client = connector.open(user, password);
            } catch (FtpReplyException e) {
                Arrays.fill(password, '\0');
                terminal.err().println(messages.get("login.failed", e.reply().toString()));
                if (retry && attempt < LOGIN_ATTEMPTS && e.reply().code() == 530) {
                    continue;
                }
                return 1;
            } catch (IOException e) {
                Arrays.fill(password, '\0');
                terminal.err().println(messages.get("connect.failed", endpoint, e.getMessage()));
                return 1;
            }
            terminal.out().println(messages.get("login.ok"));
            try (ShellSession session = new ShellSession(messages, terminal, settings, connector, user, password,
                    client)) {
                Arrays.fill(password, '\0');
                Shell shell = new Shell(session);
                shell.offerUnfinishedDownloads();
                return shell.run(options.commands().orElse(null));
            }
        }
        return 1;
    }
}
