package ftp.server;

import ftp.auth.AccountStore;
import ftp.auth.Account;
import ftp.auth.Authenticator;
import ftp.auth.LoginThrottle;
import ftp.fs.HashCache;
import ftp.fs.NodeInstance;
import ftp.fs.QuotaRegistry;
import ftp.fs.UploadJournal;
import ftp.fs.UserFileSystem;
import ftp.server.pool.WorkerPool;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import ftp.tls.TlsContexts;

/**
 * The services every session shares: settings, accounts and login checks, quotas, the MD5 cache, the worker
 * pool, the transfer log and the TLS context. Built once by {@link FtpServer}; its parts are thread-safe.
 */
public final class ServerContext {
    public static final Logger LOG = Logger.getLogger("ftpd");

    private final ServerSettings settings;
    private final AccountStore accounts;
    private final Authenticator authenticator;
    private final LoginThrottle throttle;
    private final QuotaRegistry quotas;
    private final HashCache hashes;
    private final WorkerPool workers;
    private final WorkerPool passwordChecks;
    private final WorkerPool transfers;
    private final WorkerPool digests;
    private final TransferLog transferLog;
    private final ServerEvents events;
    private final TlsContexts tls;
    /** One per account that has logged in, shared by its sessions so they agree on which records exist. */
    private final ConcurrentHashMap<String, UploadJournal> journals = new ConcurrentHashMap<>();

    public ServerContext(ServerSettings settings, AccountStore accounts, Authenticator authenticator,
                         LoginThrottle throttle, QuotaRegistry quotas, HashCache hashes, WorkerPool workers,
                         WorkerPool passwordChecks, WorkerPool transfers, WorkerPool digests, TransferLog transferLog,
                         ServerEvents events, TlsContexts tls) {
        this.settings = settings;
        this.accounts = accounts;
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.quotas = quotas;
        this.hashes = hashes;
        this.workers = workers;
        this.passwordChecks = passwordChecks;
        this.transfers = transfers;
        this.digests = digests;
        this.transferLog = transferLog;
        this.events = events;
        this.tls = tls;
    }

    public ServerSettings settings() {
        return settings;
    }

    public AccountStore accounts() {
        return accounts;
    }

    public Authenticator authenticator() {
        return authenticator;
    }

    public LoginThrottle throttle() {
        return throttle;
    }

    public HashCache hashes() {
        return hashes;
    }

    public WorkerPool workers() {
        return workers;
    }

    /**
     * PASS checks only, as many threads as {@code auth.max_concurrent_hashes}: a flood of logins waits here,
     * never holding the workers that other sessions' commands need.
     */
    /** Long file transfers (RETR, STOR, APPE, STOU), kept apart so they never hold up short commands. */
    public WorkerPool transfers() {
        return transfers;
    }

    /** MD5 of uploads, computed beside the transfer (see FollowingDigest). */
    public WorkerPool digests() {
        return digests;
    }

    public WorkerPool passwordChecks() {
        return passwordChecks;
    }

    public ServerEvents events() {
        return events;
    }

    /** Worker: a transfer ended: its xferlog line, and its bytes in the session's and the server's counts. */
    public void transferEnded(SessionView v, String path, long bytes, TransferLog.Direction direction, long millis,
                              boolean complete) {
        transferLog.record(v.peer().getHostAddress(), bytes, path, v.options().binary(), direction, v.user().name(),
                millis, complete);
        v.user().traffic().add(direction, bytes);
        events.metrics().transfer(direction, bytes, complete);
    }

    /** The certificate and per-session TLS contexts, or null when TLS is off. */
    public TlsContexts tls() {
        return tls;
    }

    /**
     * Opens the user's jail and quota, complete once the home is measured (the first login since the start
     * walks it, on the quota's own threads). Creates the home: worker threads only. Throws
     * RejectedExecutionException when too many homes wait to be measured.
     */
    public CompletableFuture<UserContext> openUser(Account account) throws IOException {
        UserFileSystem files = new UserFileSystem(settings.homeRoot().resolve(account.name()), settings.filesUmask());
        return quotas.ledgerFor(account.name(), files.home(), account.quota(), account.files())
                .thenApply(ledger -> new UserContext(account.name(), files, ledger,
                        journals.computeIfAbsent(account.name(),
                                name -> new UploadJournal(files, NodeInstance.of(settings.nodeName()))),
                        new SessionTraffic()));
    }

    /**
     * Re-reads the user's limits (bytes, files and folders) from the accounts file (cheap when unchanged), so
     * an admin's change applies to sessions already logged in. Worker threads only.
     */
    public void refreshQuota(UserContext user) {
        Optional<Account> account = accounts.find(user.name());
        account.ifPresent(a -> user.quota().setLimits(a.quota(), a.files()));
    }
}
