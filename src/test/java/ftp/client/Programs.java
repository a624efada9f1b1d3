package ftp.client;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How tests start {@code bin/ftp} and {@code bin/ftpd}: through the scripts when the classes under test are the
 * repository's {@code build/classes} (as in {@code make test}), else with {@code java -cp} on the same classes, so
 * the same tests run from any build folder. Stateless; any thread.
 */
final class Programs {
    private Programs() {}

    static Path classes() {
        try {
            return Path.of(FtpClientMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code bin/ftp ARGS} (the wrapper adds {@code --home-dir}; give {@code --conf}). */
    static List<String> ftp(List<String> args) {
        return command("ftp", "ftp.client.FtpClientMain", args);
    }

    /** {@code bin/ftpd ARGS}. */
    static List<String> ftpd(List<String> args) {
        return command("ftpd", "ftp.admin.FtpdMain", args);
    }

    private static List<String> command(String script, String mainClass, List<String> args) {
        Path classes = classes();
        Path repository = classes.getParent() == null ? null : classes.getParent().getParent();
        List<String> command = new ArrayList<>();
        if (classes.endsWith(Path.of("build", "classes")) && repository != null
                && Files.isExecutable(repository.resolve("bin").resolve(script))) {
            command.add(repository.resolve("bin").resolve(script).toString());
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-cp");
            command.add(classes.toString());
            command.add(mainClass);
        }
        command.addAll(args);
        return command;
    }
}
