package ftp.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/ftpd} as a user runs it, on an install of its own: {@code BASE/conf}, and the homes, logs and run
 * files the conf's relative paths put beside it. Test thread.
 */
final class FtpdCli {
    record Result(int exit, String out, String err) {}

    private final Path base;

    FtpdCli(Path base) {
        this.base = base;
    }

    Path conf() {
        return base.resolve("conf");
    }

    /** Writes {@code conf/ftpd.properties} with these lines. */
    void configure(String... settings) throws IOException {
        Files.createDirectories(conf());
        Files.writeString(conf().resolve(ServerSettings.FILE_NAME), String.join("\n", settings) + "\n");
    }

    /** The {@code bin/ftpd} of this checkout. */
    static Path script() {
        Path script = Path.of(System.getProperty("user.dir")).resolve("bin/ftpd");
        if (!Files.isExecutable(script)) {
            throw new AssertionError("bin/ftpd not found or not executable at " + script);
        }
        return script;
    }

    /** Runs {@code bin/ftpd --conf BASE/conf ARGS} with {@code stdin} (or nothing) on its standard input. */
    Result run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("--conf", conf().toString()));
        command.addAll(List.of(args));
        return runExactly(stdin, command.toArray(String[]::new));
    }

    /** Runs {@code bin/ftpd ARGS}, no {@code --conf} added. */
    Result runExactly(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script().toString()));
        command.addAll(List.of(args));
        Path out = base.resolve("cli.out");
        Path err = base.resolve("cli.err");
        Path in = base.resolve("cli.in");
        Files.writeString(in, stdin == null ? "" : stdin);
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(in.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ftpd " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).trim(),
                Files.readString(err, StandardCharsets.UTF_8).trim());
    }

    /** If an assertion failed while the server ran, do not leave it behind. */
    void killLeftover() throws IOException {
        Path pid = base.resolve("run/ftpd.pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(ProcessHandle::destroy);
        }
    }
}
