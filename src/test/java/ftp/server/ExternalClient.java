package ftp.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a real client program (curl, lftp, python3, openssl) to completion for interoperability tests and hands
 * back its exit code and output. A missing program fails the test with a message saying it is required (CI
 * installs it); nothing is skipped. Test thread.
 */
final class ExternalClient {
    private static final int TIMEOUT_SECONDS = 90;

    /** What a finished program printed (stdout and stderr together) and how it exited. */
    record Result(String command, int exitCode, String output) {
        /** Fails the test with the program's output unless it exited 0. */
        Result ok() {
            if (exitCode != 0) {
                throw new AssertionError(command + " exited " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    private ExternalClient() {}

    /** Runs {@code command} with no input. */
    static Result run(String... command) {
        return run(new byte[0], command);
    }

    /** Runs {@code command} with {@code input} on its standard input, then end of file. */
    static Result run(byte[] input, String... command) {
        String line = String.join(" ", command);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is required for this test (CI installs it): " + e.getMessage());
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        try (OutputStream in = p.getOutputStream()) {
            in.write(input);
        } catch (IOException ignored) {
            // the program exited without reading its input; its exit code tells
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(line + " did not finish in " + TIMEOUT_SECONDS + " s:\n"
                        + output.getNow("(no output)"));
            }
            return new Result(line, p.exitValue(), output.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(line + ": cannot read its output", e);
        }
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code text} to {@code dir/name} (a script for python3) and returns its path. */
    static Path script(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String md5(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
