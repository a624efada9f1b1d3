package ftp.server;

import ftp.server.ServerEvents.Refusal;
import ftp.log.LogField;
import ftp.server.command.Login;
import ftp.server.data.ActiveRoute;
import ftp.server.data.DataHandshake;
import ftp.server.data.PassiveRoute;
import ftp.server.proxy.ProxyProtocol;
import ftp.server.pool.WorkerPool;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Level;
import javax.net.ssl.SSLContext;

/**
 * The one selector thread: accepts control connections, reads and writes them, accepts passive data
 * connections, and runs what other threads post to it. Each pass reads as a list:
 * {@code select; drainEvents; handleReadyKeys; runTimers; sweepTimeouts}. Other threads never touch keys or
 * sockets owned here; they call {@link #post} (a queue plus {@code selector.wakeup()}).
 */
public final class EventLoop implements Runnable {
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;
    /** A balancer sends its PROXY header at once; this long (or the login timeout, if shorter) is generous. */
    private static final Duration PROXY_HEADER_TIMEOUT = Duration.ofSeconds(5);

    private final ServerContext server;
    private final CommandTable commands;
    private final Selector selector;
    private final List<ServerSocketChannel> listeners;
    private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Set<Session> sessions = new LinkedHashSet<>();
    private final ArrayDeque<Session> waitingRoom = new ArrayDeque<>();
    /** Connections from a balancer whose PROXY header is not complete yet, oldest first. */
    private final LinkedHashSet<ProxyHandshake> proxyHandshakes = new LinkedHashSet<>();
    /** Sessions not logged in (waiting room included), by address, each address's in order of arrival. */
    private final Map<InetAddress, LinkedHashSet<Session>> unauthenticated = new HashMap<>();
    private int unauthenticatedCount;
    private final Set<Session> loggedIn = new HashSet<>();
    private final Map<InetAddress, Integer> loggedInPerAddress = new HashMap<>();
    /** Admitted from the waiting room and not yet logged in: each holds one of the clients.max slots. */
    private final Set<Session> reservations = new HashSet<>();
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
    private final PassivePorts passivePorts;
    private final Set<ServerSocketChannel> implicitTls;
    private final WorkerPool tlsTasks;
    private final AccountWatch accountWatch;
    private final Services services = new Services();
    /** Prefixes session ids, so that they differ from those of earlier runs. */
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private volatile int activeCount;
    private volatile int loggedInCount;
    private volatile boolean stopping;
    private long nextSweep;
    private long nextSessionId = 1;
    private long timerSequence;

    private record Timer(long dueNanos, long sequence, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(dueNanos - o.dueNanos, 0);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    /**
     * {@code implicitTls}: the listeners whose connections start with a TLS handshake; {@code tlsTasks}: the pool
     * that runs every TLS engine's delegated tasks, control and data connections alike.
     */
    EventLoop(ServerContext server, CommandTable commands, List<ServerSocketChannel> listeners,
              Set<ServerSocketChannel> implicitTls, WorkerPool tlsTasks) throws IOException {
        this.server = server;
        this.commands = commands;
        this.listeners = listeners;
        this.implicitTls = implicitTls;
        this.tlsTasks = tlsTasks;
        this.selector = Selector.open();
        this.passivePorts = new PassivePorts(server.settings());
        this.accountWatch = new AccountWatch(server, this::post);
        for (ServerSocketChannel l : listeners) {
            l.configureBlocking(false);
            l.register(selector, SelectionKey.OP_ACCEPT, l);
        }
    }

    /** What each session may ask of the loop; the sessions never see the loop itself. */
    private final class Services implements SessionServices {
        @Override
        public void post(Runnable task) {
            EventLoop.this.post(task);
        }

        @Override
        public void schedule(Duration delay, Runnable task) {
            EventLoop.this.schedule(delay, task);
        }

        @Override
        public CommandTable commands() {
            return commands;
        }

        @Override
        public boolean stopping() {
            return stopping;
        }

        @Override
        public ServerSocketChannel openPassivePort(InetAddress bind) throws IOException {
            return passivePorts.open(bind);
        }

        @Override
        public void register(PassiveRoute route) throws IOException {
            route.channel().configureBlocking(false);
            route.channel().register(selector, SelectionKey.OP_ACCEPT, route);
        }

        @Override
        public void connect(ActiveRoute route) {
            route.connect(selector, server.settings().dataTimeout());
        }

        @Override
        public String loginRefusal(Session s) {
            return EventLoop.this.loginRefusal(s);
        }

        @Override
        public void loggedIn(Session s) {
            EventLoop.this.loggedIn(s);
        }

        @Override
        public void forget(Session s) {
            sessionClosed(s);
        }

        @Override
        public ControlIo tlsFor(Session session, SocketChannel channel) {
            return TlsControlIo.open(channel, server.tls(), tlsTasks, () -> post(() -> {
                if (session.isOpen()) {
                    session.onTlsProgress(scratch);
                }
            }));
        }

        @Override
        public DataHandshake dataHandshake(SocketChannel channel, SSLContext context, DataHandshake.Ending ending) {
            return new DataHandshake(channel, context, selector, tlsTasks, EventLoop.this::post, ending);
        }

        @Override
        public void readSoon(Session session) {
            post(() -> {
                if (session.isOpen()) {
                    session.onReadable(scratch);
                }
            });
        }
    }

    /** Any thread: run {@code task} on the selector thread soon. */
    public void post(Runnable task) {
        events.add(task);
        selector.wakeup();
    }

    /** Selector thread: run {@code task} after {@code delay}. */
    public void schedule(Duration delay, Runnable task) {
        timers.add(new Timer(System.nanoTime() + delay.toNanos(), timerSequence++, task));
    }

    /** This run's id, the prefix of its session ids; any thread. */
    String runId() {
        return runId;
    }

    /** Any thread: a copy of every session, taken on the selector thread (never completed once it stopped). */
    CompletableFuture<List<SessionSummary>> summaries() {
        CompletableFuture<List<SessionSummary>> result = new CompletableFuture<>();
        post(() -> {
            long now = System.nanoTime();
            result.complete(sessions.stream().map(s -> s.summary(now)).toList());
        });
        return result;
    }

    /** Number of open control connections, logged in or not, not counting the waiting room; any thread. */
    public int activeSessions() {
        return activeCount;
    }

    /** Number of logged-in sessions (what {@code clients.max} caps); any thread. */
    public int loggedInSessions() {
        return loggedInCount;
    }

    @Override
    public void run() {
        Thread.currentThread().setName("ftpd-loop");
        try {
            while (!stopping || !sessions.isEmpty() || !waitingRoom.isEmpty()) {
                selector.select(selectTimeoutMillis());
                long passStart = System.nanoTime();
                drainEvents();
                handleReadyKeys();
                runTimers();
                sweepTimeouts();
                server.events().metrics().loopPass(System.nanoTime() - passStart);
            }
        } catch (IOException | ClosedSelectorException e) {
            ServerContext.LOG.log(Level.SEVERE, "event loop stopped", e);
        } finally {
            closeEverything();
        }
    }

    private long selectTimeoutMillis() {
        long timeout = 1000;
        Timer next = timers.peek();
        if (next != null) {
            timeout = Math.max(1, Math.min(timeout, (next.dueNanos - System.nanoTime()) / 1_000_000 + 1));
        }
        return events.isEmpty() ? timeout : 1;
    }

    private void drainEvents() {
        Runnable r;
        int budget = 10_000; // events posted while draining wait for the next pass
        while (budget-- > 0 && (r = events.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                ServerContext.LOG.log(Level.SEVERE, "event failed", e);
            }
        }
    }

    private void handleReadyKeys() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            try {
                if (!key.isValid()) {
                    continue;
                }
                Object att = key.attachment();
                if (att instanceof Session s) {
                    if (key.isWritable()) {
                        s.onWritable();
                    }
                    if (key.isValid() && key.isReadable()) {
                        s.onReadable(scratch);
                    }
                } else if (att instanceof ProxyHandshake h) {
                    onProxyHeaderReadable(h);
                } else if (att instanceof DataHandshake h) {
                    h.step();
                } else if (att instanceof ActiveRoute a) {
                    a.onConnectable(key);
                } else if (att instanceof PassiveRoute p) {
                    p.onAcceptable();
                    if (!p.channel().isOpen()) {
                        key.cancel();
                    }
                } else if (att instanceof ServerSocketChannel l && key.isAcceptable()) {
                    accept(l);
                }
            } catch (RuntimeException e) {
                ServerContext.LOG.log(Level.SEVERE, "selector event failed", e);
                if (key.attachment() instanceof Session s) {
                    s.close("internal error");
                }
            }
        }
    }

    private void runTimers() {
        long now = System.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && now - t.dueNanos >= 0) {
            timers.poll();
            try {
                t.task.run();
            } catch (RuntimeException e) {
                ServerContext.LOG.log(Level.SEVERE, "timer failed", e);
            }
        }
    }

    private void sweepTimeouts() {
        long now = System.nanoTime();
        if (now - nextSweep < 0) {
            return;
        }
        nextSweep = now + SWEEP_INTERVAL_NANOS;
        server.events().sweep();
        sweepProxyHandshakes(now);
        for (Session s : new ArrayList<>(sessions)) {
            s.checkTimeouts(now);
        }
        accountWatch.sweep(sessions);
        long waitLimit = server.settings().waitingTimeout().toNanos();
        while (!waitingRoom.isEmpty() && now - waitingRoom.peek().connectedNanos() > waitLimit) {
            Session s = waitingRoom.poll();
            countSessions();
            s.send(new Reply(421, "Waited too long for a free slot; try again later."));
            s.closeAfterFlush("waiting room timeout");
        }
    }

    // ---------------------------------------------------------------- accepting

    private void accept(ServerSocketChannel listener) {
        for (int i = 0; i < 64; i++) { // bounded per pass so a flood cannot starve the sessions
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (IOException e) {
                ServerContext.LOG.log(Level.WARNING, "accept failed", e);
                return;
            }
            if (ch == null) {
                return;
            }
            admit(ch, listener);
        }
    }

    private void admit(SocketChannel ch, ServerSocketChannel listener) {
        InetSocketAddress remote;
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().setOOBInline(true); // ftplib's abort() sends IAC IP / IAC DM as urgent data
            remote = (InetSocketAddress) ch.getRemoteAddress();
        } catch (IOException e) {
            closeQuietly(ch);
            return;
        }
        if (stopping) {
            refuse(ch, "421 Server shutting down.\r\n");
            return;
        }
        if (server.settings().proxyProtocol() != ProxyProtocol.OFF) {
            expectProxyHeader(ch, listener, remote);
        } else {
            admitClient(ch, listener, remote);
        }
    }

    /** Admits a connection from {@code client} (the real client's address, read from a PROXY header if one came). */
    private void admitClient(SocketChannel ch, ServerSocketChannel listener, InetSocketAddress client) {
        ServerSettings s = server.settings();
        InetAddress from = client.getAddress();
        Duration banned = server.throttle().banRemaining(from);
        if (!banned.isZero()) {
            server.events().refused(from, Refusal.BANNED, "remaining=" + banned.toSeconds() + "s");
            refuse(ch, Login.bannedReply(banned).render());
            return;
        }
        if (loggedInPerAddress.getOrDefault(from, 0) >= s.maxClientsPerIp()) {
            server.events().refused(from, Refusal.PER_ADDRESS, "limit=" + s.maxClientsPerIp());
            refuse(ch, "421 Too many sessions from your address (limit " + s.maxClientsPerIp() + ").\r\n");
            return;
        }
        boolean full = slotsTaken(null) >= s.maxClients();
        if (full && (s.fullPolicy() != ServerSettings.FullPolicy.QUEUE || waitingRoom.size() >= s.waitingRoom())) {
            server.events().refused(from, Refusal.CLIENTS_MAX, "limit=" + s.maxClients());
            refuse(ch, "421 Too many users (limit " + s.maxClients() + "); try again later.\r\n");
            return;
        }
        makeRoomForUnauthenticated(from);
        Session session;
        try {
            session = new Session(services, server, ch, client, runId + "-" + nextSessionId++);
            session.attach(ch.register(selector, SelectionKey.OP_READ, session));
        } catch (IOException e) {
            closeQuietly(ch);
            return;
        }
        sessions.add(session);
        unauthenticated.computeIfAbsent(from, k -> new LinkedHashSet<>()).add(session);
        unauthenticatedCount++;
        server.events().connected(session);
        if (full) {
            waitingRoom.add(session);
            countSessions();
            session.enterWaitingRoom(waitingRoom.size());
        } else {
            countSessions();
            if (implicitTls.contains(listener)) {
                session.startTls(null);
            }
            session.greet(new Reply(220, "ftpd ready."));
        }
    }

    // ---------------------------------------------------------------- PROXY protocol headers

    /**
     * The balancer must be one of {@code listen.proxy_from}: anyone else could claim any address. The number
     * of headers awaited at once is bounded by {@code clients.max_unauthenticated}, as sessions not logged in are.
     */
    private void expectProxyHeader(SocketChannel ch, ServerSocketChannel listener, InetSocketAddress balancer) {
        ServerSettings s = server.settings();
        if (!s.proxyFrom().contains(balancer.getAddress())) {
            server.events().refused(balancer.getAddress(), Refusal.PROXY_HEADER, "why=not-in-listen.proxy_from");
            refuse(ch, "421 Connections are taken only through the load balancer.\r\n");
            return;
        }
        if (proxyHandshakes.size() >= s.maxUnauthenticated()) {
            server.events().refused(balancer.getAddress(), Refusal.PROXY_HEADER,
                    "why=too-many-headers-awaited limit=" + s.maxUnauthenticated());
            closeQuietly(ch);
            return;
        }
        Duration timeout = s.loginTimeout().compareTo(PROXY_HEADER_TIMEOUT) < 0
                ? s.loginTimeout() : PROXY_HEADER_TIMEOUT;
        ProxyHandshake handshake = new ProxyHandshake(ch, listener, balancer, s.proxyProtocol(),
                System.nanoTime() + timeout.toNanos());
        try {
            ch.register(selector, SelectionKey.OP_READ, handshake);
        } catch (IOException e) {
            closeQuietly(ch);
            return;
        }
        proxyHandshakes.add(handshake);
    }

    private void onProxyHeaderReadable(ProxyHandshake h) {
        switch (h.read(scratch)) {
            case WAITING -> { }
            case DONE -> {
                proxyHandshakes.remove(h);
                admitClient(h.channel(), h.listener(), h.header().clientOr(h.balancer()));
            }
            case FAILED -> {
                if (!h.silentClose()) {
                    server.events().refused(h.balancer().getAddress(), Refusal.PROXY_HEADER,
                            "why=" + LogField.quote(h.failure()));
                }
                dropProxyHandshake(h);
            }
        }
    }

    /** Deadlines pass in the order of arrival: the sweep stops at the first one still running. */
    private void sweepProxyHandshakes(long now) {
        Iterator<ProxyHandshake> it = proxyHandshakes.iterator();
        while (it.hasNext()) {
            ProxyHandshake h = it.next();
            if (!h.expired(now)) {
                return;
            }
            it.remove();
            server.events().refused(h.balancer().getAddress(), Refusal.PROXY_HEADER, "why=no-header-in-time");
            closeQuietly(h.channel());
        }
    }

    private void dropProxyHandshake(ProxyHandshake h) {
        proxyHandshakes.remove(h);
        closeQuietly(h.channel());
    }

    /** Open connections outside the waiting room (one that timed out there counts until it is closed). */
    private void countSessions() {
        activeCount = sessions.size() - waitingRoom.size();
    }

    /** Slots of {@code clients.max} in use: logged-in sessions and reservations, {@code except}'s own aside. */
    private int slotsTaken(Session except) {
        return loggedIn.size() + reservations.size() - (except != null && reservations.contains(except) ? 1 : 0);
    }

    /**
     * Keeps connections that have not logged in within their budget, as OpenSSH's MaxStartups does: when the
     * newcomer's address already holds {@code clients.max_unauthenticated_per_ip} of them, its own oldest one
     * goes; when all addresses together hold {@code clients.max_unauthenticated}, the oldest of the address that
     * holds the most goes. The displaced one gets 421 and is closed at once. So one address, or a handful, can
     * only displace each other, never refuse a newcomer, and a client that logs in promptly keeps its place.
     */
    private void makeRoomForUnauthenticated(InetAddress from) {
        ServerSettings s = server.settings();
        LinkedHashSet<Session> own = unauthenticated.get(from);
        Session victim = null;
        if (own != null && own.size() >= s.maxUnauthenticatedPerIp()) {
            victim = own.iterator().next();
        } else if (unauthenticatedCount >= s.maxUnauthenticated()) {
            LinkedHashSet<Session> heaviest = null;
            for (LinkedHashSet<Session> set : unauthenticated.values()) {
                if (heaviest == null || set.size() > heaviest.size() || (set.size() == heaviest.size()
                        && set.iterator().next().connectedNanos() - heaviest.iterator().next().connectedNanos() < 0)) {
                    heaviest = set;
                }
            }
            victim = heaviest == null ? null : heaviest.iterator().next();
        }
        if (victim != null) {
            server.events().displaced(victim);
            victim.displace();
        }
    }

    private void forgetUnauthenticated(Session s) {
        LinkedHashSet<Session> set = unauthenticated.get(s.peerAddress());
        if (set != null && set.remove(s)) {
            unauthenticatedCount--;
            if (set.isEmpty()) {
                unauthenticated.remove(s.peerAddress());
            }
        }
    }

    /**
     * Selector thread, when a password was accepted: null when {@code s} may log in, else why not
     * ({@code clients.max} users or {@code clients.max_per_ip} sessions of its address are logged in already).
     */
    private String loginRefusal(Session s) {
        ServerSettings settings = server.settings();
        if (slotsTaken(s) >= settings.maxClients()) {
            return "Too many users (limit " + settings.maxClients() + "); try again later.";
        }
        if (loggedInPerAddress.getOrDefault(s.peerAddress(), 0) >= settings.maxClientsPerIp()) {
            return "Too many sessions from your address (limit " + settings.maxClientsPerIp() + ").";
        }
        return null;
    }

    /** Selector thread: {@code s} logged in (after {@link #loginRefusal} said yes); it leaves the login budget. */
    private void loggedIn(Session s) {
        forgetUnauthenticated(s);
        reservations.remove(s);
        if (loggedIn.add(s)) {
            loggedInPerAddress.merge(s.peerAddress(), 1, Integer::sum);
        }
        loggedInCount = loggedIn.size();
    }

    /** Best effort: one small non-blocking write, then close. The selector never waits on a refused client. */
    private static void refuse(SocketChannel ch, String reply) {
        try {
            ch.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException ignored) {
            // closing anyway
        }
        closeQuietly(ch);
    }

    /** Called by a session as it closes: frees its slots and admits waiting clients while slots are free. */
    private void sessionClosed(Session s) {
        if (!sessions.remove(s)) {
            return;
        }
        forgetUnauthenticated(s);
        reservations.remove(s);
        if (loggedIn.remove(s)) {
            loggedInPerAddress.computeIfPresent(s.peerAddress(), (k, v) -> v <= 1 ? null : v - 1);
            loggedInCount = loggedIn.size();
        }
        waitingRoom.remove(s);
        countSessions();
        admitWaiting();
    }

    /** Admits waiting clients, in order, while {@code clients.max} has free slots; each admitted one holds a slot. */
    private void admitWaiting() {
        List<Session> admitted = new ArrayList<>();
        while (!stopping && !waitingRoom.isEmpty() && slotsTaken(null) < server.settings().maxClients()) {
            Session next = waitingRoom.poll();
            reservations.add(next);
            admitted.add(next);
        }
        countSessions();
        if (admitted.isEmpty()) {
            return;
        }
        List<Session> still = new ArrayList<>(waitingRoom);
        for (Session next : admitted) {
            next.admitFromWaitingRoom();
        }
        int place = 1;
        for (Session w : still) {
            if (w.isOpen()) {
                w.send(new Reply(120, "You are now number " + place++ + " in line."));
            }
        }
    }

    // ---------------------------------------------------------------- stopping

    /** Any thread: stop accepting, say 421 to idle sessions, give running transfers {@code grace}. */
    public void stop(Duration grace) {
        post(() -> {
            stopping = true;
            for (ServerSocketChannel l : listeners) {
                closeQuietly(l);
            }
            closeProxyHandshakes();
            for (Session s : new ArrayList<>(sessions)) {
                if (!s.busy()) {
                    s.send(new Reply(421, "Server shutting down."));
                    s.closeAfterFlush("shutdown");
                }
            }
            schedule(grace, () -> {
                for (Session s : new ArrayList<>(sessions)) {
                    s.close("shutdown grace over");
                }
            });
        });
    }

    private void closeProxyHandshakes() {
        for (ProxyHandshake h : new ArrayList<>(proxyHandshakes)) {
            dropProxyHandshake(h);
        }
    }

    private void closeEverything() {
        for (Session s : new ArrayList<>(sessions)) {
            s.close("server stopped");
        }
        closeProxyHandshakes();
        for (ServerSocketChannel l : listeners) {
            closeQuietly(l);
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // exiting
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
