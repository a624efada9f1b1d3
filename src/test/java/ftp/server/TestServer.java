package ftp.server;

import ftp.auth.AccountStore;
import ftp.fs.QuotaLedger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real server for tests: temporary conf and homes, port 0 on loopback, cheap password hashing, no per-address
 * limits unless a test sets them, users alice, bob and egon with password {@code secret} (egon: {@code 123}).
 * Stop it with {@link #close()}.
 */
public final class TestServer implements AutoCloseable {
    public static final int ITERATIONS = 1000;

    private final Path base;
    private final FtpServer server;

    private TestServer(Path base, FtpServer server) {
        this.base = base;
        this.server = server;
    }

    public static TestServer start(String... settings) {
        return start(UnaryOperator.identity(), settings);
    }

    /** As {@link #start(String...)}, with the server's home measurements run through {@code measuringAround}. */
    public static TestServer start(UnaryOperator<Executor> measuringAround, String... settings) {
        try {
            Path base = Files.createTempDirectory("ftpd-test");
            Path conf = Files.createDirectories(base.resolve("conf"));
            Properties p = new Properties();
            p.setProperty("listen.port", "0");
            p.setProperty("tls.mode", "off");
            p.setProperty("passive.ports", "62000-64999"); // above the ephemeral range, so client sockets never hold them
            p.setProperty("auth.pbkdf2_iterations", Integer.toString(ITERATIONS));
            // Every test client comes from 127.0.0.1 (a few bind 127.0.0.2...): the per-address limits stay out
            // of the way unless a test sets them. "KEY=default" leaves a key to the server's own default.
            p.setProperty("clients.max_per_ip", "100000");
            p.setProperty("clients.max_unauthenticated_per_ip", "100000");
            for (String kv : settings) {
                int eq = kv.indexOf('=');
                if (kv.substring(eq + 1).equals("default")) {
                    p.remove(kv.substring(0, eq));
                } else {
                    p.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            StringBuilder text = new StringBuilder();
            p.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            Files.writeString(conf.resolve(ServerSettings.FILE_NAME), text, StandardCharsets.UTF_8);
            ServerSettings s = ServerSettings.load(conf);
            AccountStore accounts = new AccountStore(s.accountsFile(), s.defaultQuota(), s.defaultFiles());
            accounts.add("alice", "secret".toCharArray(), null, ITERATIONS);
            accounts.add("bob", "secret".toCharArray(), null, ITERATIONS);
            accounts.add("egon", "123".toCharArray(), null, ITERATIONS);
            return new TestServer(base, FtpServer.start(s, measuringAround));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.address().getPort();
    }

    /** The implicit-FTPS port (start with {@code tls.implicit_port=0}). */
    public int implicitPort() {
        if (server.implicitAddress() == null) {
            throw new IllegalStateException("started without tls.implicit_port");
        }
        return server.implicitAddress().getPort();
    }

    /** The TLS key store in use (made on first start), to share with another test server via {@code tls.keystore}. */
    public Path keystore() {
        return server.settings().tlsKeystore();
    }

    public Path base() {
        return base;
    }

    public Path home(String user) {
        return server.settings().homeRoot().resolve(user);
    }

    public FtpServer server() {
        return server;
    }

    public AccountStore accounts() {
        return new AccountStore(server.settings().accountsFile(), server.settings().defaultQuota(),
                server.settings().defaultFiles());
    }

    @Override
    public void close() {
        server.close();
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temp files; the OS cleans up
        }
    }

    /** Puts a file into a user's home (created if the user never logged in); returns its real path. */
    public Path write(String user, String relative, byte[] content) {
        try {
            Path file = home(user).resolve(relative);
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What the quota must count, measured afresh: each regular file its size but at least a block, each folder a
     * block (the home itself and bookkeeping ({@code .upload}) excluded, links not followed).
     */
    public long diskUsage(String user) {
        return walk(user, true);
    }

    /** The files and folders the quota must count, measured afresh (the home and bookkeeping excluded). */
    public long fileCount(String user) {
        return walk(user, false);
    }

    private long walk(String user, boolean bytes) {
        Path home = home(user);
        try (Stream<Path> files = Files.walk(home)) {
            return files.filter(f -> !f.equals(home) && !f.startsWith(home.resolve(".upload")))
                    .mapToLong(f -> {
                        try {
                            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class,
                                    LinkOption.NOFOLLOW_LINKS);
                            if (!a.isRegularFile() && !a.isDirectory()) {
                                return 0;
                            }
                            return bytes ? Math.max(a.isRegularFile() ? a.size() : 0, QuotaLedger.BLOCK) : 1;
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The transfer log's lines so far. */
    public java.util.List<String> xferlog() {
        try {
            Path log = server.settings().logDir().resolve("xferlog");
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : java.util.List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Quota setting helper for tests. */
    public void setQuota(String user, long bytes) {
        accounts().setQuota(user, OptionalLong.of(bytes));
    }
}
