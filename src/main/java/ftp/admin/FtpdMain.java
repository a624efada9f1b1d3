package ftp.admin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code bin/ftpd} runs: {@code [--conf DIR] start|stop|restart|status|run},
 * {@code user add|passwd|quota|disable|enable|del|list}, {@code who} and {@code ban list|clear}. Errors are one readable
 * line on stderr and a non-zero exit. Main thread only.
 */
public final class FtpdMain {
    static final String USAGE = String.join(System.lineSeparator(),
            "usage: ftpd [--conf DIR] start|stop|restart|status|run",
            "       ftpd [--conf DIR] user add NAME [--quota SIZE] [--files N] [--password-stdin]",
            "       ftpd [--conf DIR] user passwd NAME [--password-stdin]",
            "       ftpd [--conf DIR] user quota NAME [SIZE] [--files N]",
            "                                 (SIZE like 500K, 100M, 2G, or none; N files and folders, or none)",
            "       ftpd [--conf DIR] user disable|enable NAME",
            "       ftpd [--conf DIR] user del NAME",
            "       ftpd [--conf DIR] user list",
            "       ftpd [--conf DIR] who",
            "       ftpd [--conf DIR] ban list | ban clear ADDRESS",
            "       ftpd --help",
            "",
            "commands:",
            "  start      start the server in the background; returns once the port accepts connections",
            "  stop       stop gracefully: no new sessions, running transfers get timeouts.shutdown to finish",
            "  restart    stop, then start",
            "  status     print pid, address and clients (exit 0), or \"stopped\" (exit 3)",
            "  run        serve in the foreground (systemd, containers): logs go to standard output too,",
            "             SIGTERM stops gracefully and exits 0",
            "  user ...   add, change or remove accounts; a running server sees the change at once",
            "  who        the running server's sessions: user, address, since when, what they do and how fast",
            "  ban ...    list the addresses banned for failed logins, or lift a ban at once (ban clear ADDRESS)",
            "",
            "options:",
            "  --conf DIR  the conf directory (default: conf/ beside bin/). Settings are DIR/ftpd.properties;",
            "              accounts.ini and ftpd.p12 default to files in DIR; other relative paths in the",
            "              settings (home.root, log.dir, pid.file...) resolve against DIR's parent.",
            "  --help      this text",
            "",
            "start and run refuse to start, naming the reason, when a setting is unknown or malformed, the",
            "accounts file is missing or empty, or the TLS key store cannot be read.",
            "exit codes: 0 ok, 1 failed (the reason on stderr), 2 wrong command line,",
            "            3 not running (status, who, ban)");

    private FtpdMain() {}

    public static void main(String[] args) {
        System.setProperty("java.util.logging.manager", LastingLogManager.class.getName());
        System.exit(run(args));
    }

    static int run(String[] args) {
        Path installDir = Path.of(".").toAbsolutePath().normalize();
        Path confDir = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home-dir" -> installDir = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--conf" -> {
                    if (i + 1 >= args.length) {
                        return usageError("--conf needs a directory");
                    }
                    confDir = Path.of(args[++i]).toAbsolutePath().normalize();
                }
                case "-h", "--help", "help" -> {
                    System.out.println(USAGE);
                    return 0;
                }
                default -> rest.add(args[i]);
            }
        }
        if (confDir == null) {
            confDir = installDir.resolve("conf");
        }
        if (rest.isEmpty()) {
            return usageError(null);
        }
        try {
            return switch (rest.get(0)) {
                case "run" -> new Lifecycle(installDir, confDir).runForeground();
                case "start" -> new Lifecycle(installDir, confDir).start();
                case "stop" -> new Lifecycle(installDir, confDir).stop();
                case "restart" -> new Lifecycle(installDir, confDir).restart();
                case "status" -> new Lifecycle(installDir, confDir).status();
                case "user" -> new UserAdmin(confDir).run(rest.subList(1, rest.size()));
                case "who" -> new AdminClient(confDir).who(rest.subList(1, rest.size()));
                case "ban" -> new AdminClient(confDir).ban(rest.subList(1, rest.size()));
                default -> usageError("unknown command: " + rest.get(0));
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("ftpd: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("ftpd: " + e.getMessage());
            return 1;
        }
    }

    /** Usage on stderr after a wrong command line; exit code 2. */
    private static int usageError(String problem) {
        if (problem != null) {
            System.err.println("ftpd: " + problem);
        }
        System.err.println(USAGE);
        return 2;
    }
}
