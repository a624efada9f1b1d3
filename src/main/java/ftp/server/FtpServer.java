package ftp.server;

import ftp.auth.AccountStore;
import ftp.auth.Authenticator;
import ftp.auth.LoginThrottle;
import ftp.auth.VerifiedLoginCache;
import ftp.fs.HashCache;
import ftp.fs.LeaseTerms;
import ftp.fs.NodeInstance;
import ftp.fs.QuotaRegistry;
import ftp.log.AddressLogLimit;
import ftp.server.pool.WorkerPool;
import ftp.tls.KeyMaterial;
import ftp.tls.TlsContexts;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * Wires the server together and owns its lifecycle: binds the control port(s), builds the shared services,
 * starts the worker pool and the selector thread, and stops them in order. Thread-safe.
 */
public final class FtpServer implements AutoCloseable {
    private final ServerSettings settings;
    private final WorkerPool workers;
    private final WorkerPool passwordChecks;
    private final WorkerPool transfers;
    private final WorkerPool digests;
    private final WorkerPool homeMeasurements;
    private final WorkerPool tlsTasks;
    private final EventLoop loop;
    private final Thread loopThread;
    private final InetSocketAddress address;
    private final InetSocketAddress implicitAddress; // null without an implicit-FTPS listener
    private final TransferLog transferLog;
    private final ServerContext context;
    private final TlsContexts tls;

    private FtpServer(ServerSettings settings, UnaryOperator<Executor> measuringAround) throws IOException {
        this.settings = settings;
        Files.createDirectories(settings.homeRoot());
        this.tls = settings.tlsMode() == ServerSettings.TlsMode.OFF ? null : tlsContext(settings);
        Duration keepAlive = settings.workerKeepAlive();
        // Each pool's queue is bounded by what can legitimately wait for it, so no pool borrows another's room.
        // Commands: the one configured waiting line for disk commands.
        this.workers = new WorkerPool("ftpd-worker", settings.workerThreads(), settings.workerQueue(), keepAlive);
        // Password checks: at most one per connection not yet logged in.
        this.passwordChecks = new WorkerPool("ftpd-login", settings.maxConcurrentHashes(),
                settings.maxUnauthenticated(), keepAlive);
        // Transfers: one command in flight per session, so at most one per logged-in client.
        this.transfers = new WorkerPool("ftpd-transfer", settings.transferThreads(), settings.maxClients(),
                keepAlive);
        // One follower digest per upload at normal priority (see FollowingDigest): a thread per transfer thread,
        // and a queue only for the digests still catching up after their upload ended. Past that an upload goes
        // undigested and HASH reads the file.
        this.digests = new WorkerPool("ftpd-digest", settings.transferThreads(), settings.transferThreads(),
                keepAlive);
        // One thread per user whose first login since the start waits for the home's walk, up to 16; logins
        // of users already measured never come here, so at most one walk per logged-in client waits.
        // TLS engines' delegated tasks (key exchange, signing: CPU only), for control and data handshakes alike:
        // a few threads, and a queue for one task batch per connection that may handshake.
        this.tlsTasks = new WorkerPool("ftpd-tls", settings.tlsThreads(),
                settings.maxUnauthenticated() + 2 * settings.maxClients(), keepAlive);
        this.homeMeasurements = new WorkerPool("ftpd-measure", Math.min(settings.maxClients(), 16),
                settings.maxClients(), keepAlive);
        this.transferLog = new TransferLog(settings.logDir().resolve("xferlog"), settings.logMaxSize(),
                settings.logKeep(), settings.nodeName());
        AccountStore accounts = new AccountStore(settings.accountsFile(), settings.defaultQuota(),
                settings.defaultFiles());
        Authenticator authenticator = new Authenticator(accounts, new VerifiedLoginCache(1024),
                settings.maxConcurrentHashes(), settings.pbkdf2Iterations());
        passwordChecks.trySubmit(authenticator::warmUp);
        ServerMetrics metrics = new ServerMetrics();
        LeaseTerms leases = new LeaseTerms(NodeInstance.of(settings.nodeName()), settings.quotaLeaseSize(),
                settings.quotaLeaseTime(), Clock.systemUTC(), metrics.ledgerLockCounter());
        ServerEvents events = new ServerEvents(metrics, new AddressLogLimit(settings.logLinesPerAddress(),
                Duration.ofMinutes(1), 4096, Clock.systemUTC(), ServerContext.LOG::info));
        this.context = new ServerContext(settings, accounts, authenticator,
                new LoginThrottle(settings.maxLoginFailures(), settings.loginBanTime(), 10_000, Clock.systemUTC()),
                new QuotaRegistry(measuringAround.apply(homeMeasurements), leases), new HashCache(4096), workers,
                passwordChecks, transfers, digests, transferLog, events, tls);
        List<ServerSocketChannel> listeners = new ArrayList<>();
        Set<ServerSocketChannel> implicit = new HashSet<>();
        InetAddress host = InetAddress.getByName(settings.listenHost());
        ServerSocketChannel control = ServerSocketChannel.open();
        ServerSocketChannel implicitListener = null;
        try {
            control.bind(new InetSocketAddress(host, settings.listenPort()), 1024);
            listeners.add(control);
            if (tls != null && settings.tlsImplicitPort() >= 0) {
                implicitListener = ServerSocketChannel.open();
                implicitListener.bind(new InetSocketAddress(host, settings.tlsImplicitPort()), 1024);
                listeners.add(implicitListener);
                implicit.add(implicitListener);
            }
        } catch (IOException e) {
            for (ServerSocketChannel l : listeners) {
                l.close();
            }
            control.close();
            if (implicitListener != null) {
                implicitListener.close(); // opened but not bound: not in listeners yet
            }
            workers.shutdown(Duration.ZERO);
            passwordChecks.shutdown(Duration.ZERO);
            transfers.shutdown(Duration.ZERO);
            digests.shutdown(Duration.ZERO);
            homeMeasurements.shutdown(Duration.ZERO);
            tlsTasks.shutdown(Duration.ZERO);
            transferLog.close();
            throw new IOException("cannot listen on " + settings.listenHost() + ":" + settings.listenPort() + ": "
                    + e.getMessage(), e);
        }
        this.address = (InetSocketAddress) control.getLocalAddress();
        this.implicitAddress = implicitListener == null ? null : (InetSocketAddress) implicitListener.getLocalAddress();
        this.loop = new EventLoop(context, new CommandTable(), listeners, implicit, tlsTasks);
        this.loopThread = new Thread(loop, "ftpd-loop");
    }

    /** Binds and starts serving; returns once the port accepts connections. */
    public static FtpServer start(ServerSettings settings) throws IOException {
        return start(settings, UnaryOperator.identity());
    }

    /** As {@link #start(ServerSettings)}, with home measurements run through a wrapper of their pool (for tests). */
    static FtpServer start(ServerSettings settings, UnaryOperator<Executor> measuringAround) throws IOException {
        FtpServer server = new FtpServer(settings, measuringAround);
        server.loopThread.start();
        ServerContext.LOG.info(() -> "ftpd started on " + server.address.getAddress().getHostAddress() + ":"
                + server.address.getPort() + " run=" + server.loop.runId() + " (clients.max=" + settings.maxClients()
                + ", workers=" + settings.workerThreads() + ", tls="
                + settings.tlsMode().name().toLowerCase(java.util.Locale.ROOT) + ")");
        return server;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The implicit-FTPS listener's address (its real port when {@code tls.implicit_port=0}), or null if off. */
    public InetSocketAddress implicitAddress() {
        return implicitAddress;
    }

    public int activeSessions() {
        return loop.activeSessions();
    }

    /** Logged-in sessions, what {@code clients.max} caps. */
    public int loggedInSessions() {
        return loop.loggedInSessions();
    }

    public ServerSettings settings() {
        return settings;
    }

    /** A copy of every session, taken on the selector thread; never completes once the server stopped. */
    public CompletableFuture<List<SessionSummary>> sessions() {
        return loop.summaries();
    }

    public LoginThrottle throttle() {
        return context.throttle();
    }

    public ServerEvents events() {
        return context.events();
    }

    /** The worker pools by what they run: commands, logins, transfers, digests, home measurements, TLS tasks. */
    public Map<String, WorkerPool> pools() {
        return Map.of("commands", workers, "logins", passwordChecks, "transfers", transfers, "digests", digests,
                "measurements", homeMeasurements, "tls", tlsTasks);
    }

    /** Graceful stop: no new sessions, 421 to idle ones, running transfers get {@code timeouts.shutdown}. */
    @Override
    public void close() {
        loop.stop(settings.shutdownGrace());
        try {
            loopThread.join(settings.shutdownGrace().toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdown(Duration.ofSeconds(2));
        passwordChecks.shutdown(Duration.ofSeconds(2));
        transfers.shutdown(Duration.ofSeconds(2));
        digests.shutdown(Duration.ofSeconds(2));
        homeMeasurements.shutdown(Duration.ofSeconds(2));
        tlsTasks.shutdown(Duration.ofSeconds(2));
        try {
            transferLog.close();
        } catch (IOException ignored) {
            // stopping anyway
        }
        context.events().flush();
        ServerContext.LOG.info("ftpd stopped");
    }

    private static TlsContexts tlsContext(ServerSettings s) throws IOException {
        char[] password = s.tlsKeystorePassword().toCharArray();
        String host = InetAddress.getByName(s.listenHost()).isLoopbackAddress() ? "localhost"
                : InetAddress.getLocalHost().getCanonicalHostName();
        KeyMaterial.ensureSelfSigned(s.tlsKeystore(), password, host);
        return TlsContexts.load(s.tlsKeystore(), password);
    }
}
