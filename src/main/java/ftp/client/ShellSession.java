package ftp.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the shell's commands act on: the connection (reopened and logged in again after it was lost), the remote
 * home and working directory, the local folder, the records of unfinished downloads and uploads, and the user's
 * terminal and language.
 * Normal output goes to standard output, failures to standard error. Main thread.
 */
final class ShellSession implements AutoCloseable {
    private static final Duration IDLE_CHECK = Duration.ofSeconds(10);

    private final Messages messages;
    private final Terminal terminal;
    private final DownloadJournal downloads;
    private final UploadJournal uploads;
    private final ClientSettings settings;
    private final Path downloadDir;
    private final Connector connector;
    private final String user;
    private final char[] password;
    private FtpClient client;
    private String home;
    private String cwd;
    private Path localDir;

    /** {@code client} is the logged-in connection; the password is kept (never shown) to log in again. */
    ShellSession(Messages messages, Terminal terminal, ClientSettings settings, Connector connector, String user,
                 char[] password, FtpClient client) {
        this.messages = messages;
        this.terminal = terminal;
        this.downloadDir = settings.downloadDir();
        this.downloads = new DownloadJournal(downloadDir);
        this.uploads = new UploadJournal(downloadDir);
        this.settings = settings;
        this.connector = connector;
        this.user = user;
        this.password = password.clone();
        this.client = client;
        this.home = client == null ? "/" : client.home();
        this.cwd = home;
        this.localDir = settings.downloadDir();
    }

    Messages messages() {
        return messages;
    }

    Terminal terminal() {
        return terminal;
    }

    DownloadJournal downloads() {
        return downloads;
    }

    UploadJournal uploads() {
        return uploads;
    }

    ClientSettings settings() {
        return settings;
    }

    /**
     * Lets Ctrl-C stop the transfers {@code client} runs until the result is closed (on a terminal; elsewhere
     * Ctrl-C ends the client as usual).
     */
    Terminal.Watch interruptible(FtpClient client) {
        client.allowTransfers();
        return terminal.onInterrupt(client::abortTransfer);
    }

    String user() {
        return user;
    }

    String host() {
        return connector.host();
    }

    int port() {
        return connector.port();
    }

    /**
     * The connection, logging in again first if the last one was lost. After a pause a NOOP checks that the server
     * has not closed it meanwhile (idle timeout), so the user's command does not fail on a stale connection.
     */
    FtpClient remote() throws IOException {
        if (client != null && client.isUsable() && client.idle().compareTo(IDLE_CHECK) > 0) {
            try {
                client.noop();
            } catch (IOException e) {
                // Stale: log in again below.
            }
        }
        if (client != null && client.isUsable()) {
            return client;
        }
        dropConnection();
        client = connector.open(user, password);
        home = client.home();
        try {
            client.cwd(cwd);
        } catch (FtpReplyException e) {
            cwd = home;
        }
        say("reconnected");
        return client;
    }

    /** True when the last connection broke and the next command will have to reconnect. */
    boolean connectionLost() {
        return client == null || !client.isUsable();
    }

    void dropConnection() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    String home() {
        return home;
    }

    String cwd() {
        return cwd;
    }

    void cwd(String path) {
        cwd = path;
    }

    /** The absolute remote path of what the user typed. */
    String resolve(String typed) {
        return RemotePath.resolve(home, cwd, typed);
    }

    /** Where downloads go unless the user changes the local directory ({@code download.dir}). */
    Path downloadDir() {
        return downloadDir;
    }

    Path localDir() {
        return localDir;
    }

    void localDir(Path dir) {
        localDir = dir;
    }

    /**
     * The local folder, created if it does not exist yet (a fresh install has none), told to the user with how to
     * change it.
     */
    void announceLocalFolder() throws IOException {
        Files.createDirectories(downloadDir);
        say("local.folder", localDir);
    }

    /**
     * Says that {@code typed} names no local file, and, when a relative name is not in the local folder but in the
     * directory {@code ftp} was started from, where it is and how to reach it.
     */
    void localNotFound(String typed, Path resolved) {
        fail("local.notfound", resolved);
        Path started = Path.of("").toAbsolutePath();
        Path there = started.resolve(typed).normalize();
        if (!Path.of(typed).isAbsolute() && !typed.startsWith("~") && !there.equals(resolved)
                && Files.exists(there)) {
            fail("local.notfound.started", typed, started, ShellWords.quote(there.toString()));
        }
    }

    /** A local path typed by the user: {@code ~} is the user's home, relative paths start at the local dir. */
    Path local(String typed) {
        if (typed.equals("~") || typed.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(typed.substring(1).replaceFirst("^/", ""))
                    .normalize();
        }
        return localDir.resolve(typed).toAbsolutePath().normalize();
    }

    /** {@code [user@host ~/sub]# } */
    String prompt() {
        return "[" + user + "@" + connector.shownHost() + " " + RemotePath.display(home, cwd) + "]# ";
    }

    /** Free space as the user reads it: a size, or "unlimited" for the largest number (AVBL without a quota). */
    String space(long bytes) {
        return bytes == Long.MAX_VALUE ? messages.get("quota.unlimited") : SizeFormat.size(bytes);
    }

    void say(String key, Object... args) {
        terminal.out().println(messages.get(key, args));
    }

    void fail(String key, Object... args) {
        terminal.out().flush();
        terminal.err().println(messages.get(key, args));
    }

    /** A refusal: the message for {@code key} with the server's reply as its last argument. */
    void refused(String key, FtpReplyException e, Object... args) {
        Object[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = ServerReplies.describe(e.reply(), messages);
        fail(key, all);
    }

    ProgressBar progress(long total, long base) {
        return new ProgressBar(terminal.out(), terminal.interactive(), terminal.width(), total, base, System::nanoTime);
    }

    /** A line from the user (a choice in a list); null at the end of input. */
    String ask(String key, Object... args) throws IOException {
        return terminal.readLine(messages.get(key, args));
    }

    /** A yes-or-no question, yes unless the user answers no ({@code n}, {@code no}, {@code 否}). */
    boolean confirm(String key, Object... args) throws IOException {
        String answer = ask(key, args);
        if (answer == null) {
            return false;
        }
        String a = answer.trim().toLowerCase(Locale.ROOT);
        return !(a.equals("n") || a.equals("no") || a.equals("否"));
    }

    /** Whether {@code path} is a remote folder we may enter (CWD there and back). */
    boolean isRemoteDirectory(FtpClient client, String path) throws IOException {
        try {
            client.cwd(path);
        } catch (FtpReplyException e) {
            return false;
        }
        client.cwd(cwd);
        return true;
    }

    @Override
    public void close() {
        dropConnection();
        Arrays.fill(password, '\0');
    }
}
