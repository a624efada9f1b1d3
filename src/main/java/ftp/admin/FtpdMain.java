package ftp.admin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code bin/ftpd} runs: {@code [--conf DIR] start|stop|restart|status|run},
 * {@code user add|passwd|quota|del|list}, {@code who} and {@code ban list|clear}. Errors are one readable
 * line on stderr and a non-zero exit.
 * Main thread only.
 */
public final class FtpdMain {
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
                        return usage("--conf needs a directory");
                    }
                    confDir = Path.of(args[++i]).toAbsolutePath().normalize();
                }
                default -> rest.add(args[i]);
            }
        }
        if (confDir == null) {
            confDir = installDir.resolve("conf");
        }
        if (rest.isEmpty()) {
            return usage(null);
        }
        try {
            Lifecycle lifecycle = new Lifecycle(installDir, confDir);
            return switch (rest.get(0)) {
                case "run" -> lifecycle.runForeground();
                case "start" -> lifecycle.start();
                case "stop" -> lifecycle.stop();
                case "restart" -> lifecycle.restart();
                case "status" -> lifecycle.status();
                case "user" -> new UserAdmin(confDir).run(rest.subList(1, rest.size()));
                case "who" -> lifecycle.admin().who(rest.subList(1, rest.size()));
                case "ban" -> lifecycle.admin().ban(rest.subList(1, rest.size()));
                case "-h", "--help", "help" -> usage(null);
                default -> usage("unknown command: " + rest.get(0));
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("ftpd: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("ftpd: " + e.getMessage());
            return 1;
        }
    }

    private static int usage(String problem) {
        if (problem != null) {
            System.err.println("ftpd: " + problem);
        }
        System.err.println(String.join(System.lineSeparator(),
                "usage: ftpd [--conf DIR] start|stop|restart|status|run",
                "       ftpd [--conf DIR] user add NAME [--quota SIZE] [--password-stdin]",
                "       ftpd [--conf DIR] user passwd NAME [--password-stdin]",
                "       ftpd [--conf DIR] user quota NAME SIZE      (SIZE like 500K, 100M, 2G, or none)",
                "       ftpd [--conf DIR] user del NAME",
                "       ftpd [--conf DIR] user list",
                "       ftpd [--conf DIR] who",
                "       ftpd [--conf DIR] ban list | ban clear ADDRESS"));
        return problem == null ? 0 : 2;
    }
}
