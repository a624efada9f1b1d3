package ftp.server;

import ftp.log.LogField;
import ftp.server.CommandSpec.LoopHandler;
import ftp.server.CommandSpec.TransferHandler;
import ftp.server.CommandSpec.WorkerHandler;
import ftp.server.LineDecoder.Line;
import ftp.server.data.ActiveRoute;
import ftp.server.data.DataRoute;
import ftp.server.data.PassiveRoute;
import ftp.server.data.TransferHandle;
import ftp.server.pool.WorkerPool;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;

/**
 * One control connection: its login state, the command in flight, its data connection set-up, TLS and the
 * reply side of the socket. The lines read but not yet run are its {@link CommandInput}'s, what the client set
 * up for later commands (TYPE, REST, PROT...) is its {@link TransferOptions}. Owned by the selector thread:
 * every field is read and written there only; workers see a {@link SessionView} snapshot and hand back an
 * {@link Outcome}.
 *
 * <pre>
 * States of a connection:
 *   WAITING    held in the waiting room (clients.full_policy=queue): told its place with 120, reads nothing
 *   NEED_USER  greeted with 220; before USER
 *   NEED_PASS  USER given; PASS expected (the hash check runs on a worker, a failure is answered late)
 *   LOGGED_IN  every command; the jail is open
 *   CLOSING    the last reply is being flushed (for at most CLOSING_GRACE), then the socket closes
 * Until LOGGED_IN a connection counts against the budget of connections not yet logged in
 * (clients.max_unauthenticated, per address clients.max_unauthenticated_per_ip); when a newer one needs its
 * place it is displaced: 421 and closed. LOGGED_IN sessions count against clients.max and clients.max_per_ip.
 * After AUTH TLS is accepted nothing is read until the 234 has left and the socket is handed to TLS.
 * Across states: at most one command in flight ("busy"); later lines wait in order in the {@code input}.
 * When its queue is full, reading pauses and the bytes already read but not yet split wait in its
 * backlog (at most one read's worth), so a pipelining client costs bounded memory.
 * While a transfer runs, ABOR, STAT and QUIT are answered at once instead of waiting.
 * When the client half-closes (netcat -N, scripts), the lines it sent before still run, then the session closes.
 * </pre>
 */
public final class Session {
    public enum State { WAITING, NEED_USER, NEED_PASS, LOGGED_IN, CLOSING }

    /** How long a closing session waits for the client to take its last replies before the socket is closed anyway. */
    static final Duration CLOSING_GRACE = Duration.ofSeconds(10);

    private final EventLoop loop;
    private final ServerContext server;
    private final SocketChannel channel;
    private final InetSocketAddress peer;
    private final String id;
    private final CommandInput input;
    private final TransferOptions options = new TransferOptions();
    private SelectionKey key;
    private ControlIo io;
    private boolean tlsOn;
    private Reply greeting; // implicit FTPS: the 220 waits for the handshake
    /**
     * AUTH TLS accepted, the handshake not yet begun (the 234 may still wait behind replies the client has not
     * read). Nothing is read or run meanwhile: the next byte the session takes from the socket goes to TLS.
     */
    private boolean tlsPending;
    private long closingSinceNanos;

    private State state = State.NEED_USER;
    private boolean busy;
    private long lastActivityNanos = System.nanoTime();
    private final long connectedNanos = System.nanoTime();
    private long greetedNanos = connectedNanos; // the login timeout counts from the 220, not from the waiting room

    private String pendingUser;
    private UserContext user;
    private String cwd = "/";
    private PassiveRoute passive;
    private DataRoute dataRoute;
    private TransferHandle transfer;
    private DataRoute awaitingData; // a transfer command waits on the loop for this route's connection
    private CompletableFuture<Outcome> awaitingResult; // a command waits on the loop for a result from elsewhere
    private long awaitingDeadlineNanos;
    private Reply awaitingExpiry; // the answer if awaitingResult is not there by awaitingDeadlineNanos
    private boolean abortRequested;
    private boolean quitAfterTransfer;
    private String lastVerb = "";
    private String endReason; // the first reason given for closing
    private boolean ended;

    /** {@code peer} is the client's address: the socket's own, or the one its load balancer's PROXY header gave. */
    Session(EventLoop loop, ServerContext server, SocketChannel channel, InetSocketAddress peer, String id) {
        this.loop = loop;
        this.server = server;
        this.channel = channel;
        this.peer = peer;
        this.id = id;
        this.input = new CommandInput(server.settings().maxLineLength());
        this.io = new PlainControlIo(channel);
    }

    void attach(SelectionKey selectionKey) {
        this.key = selectionKey;
    }

    // ---------------------------------------------------------------- accessors for command handlers

    public ServerContext server() {
        return server;
    }

    public EventLoop loop() {
        return loop;
    }

    public State state() {
        return state;
    }

    public InetAddress peerAddress() {
        return peer.getAddress();
    }

    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Unique across restarts: the server run's id, a dash, and a count. */
    public String id() {
        return id;
    }

    public UserContext user() {
        return user;
    }

    public String cwd() {
        return cwd;
    }

    public void setCwd(String virtualPath) {
        cwd = virtualPath;
    }

    /** What the client has set up for its next commands (TYPE, REST, ALLO, RNFR, RANG, PBSZ, PROT, EPSV ALL). */
    public TransferOptions options() {
        return options;
    }

    /** True once the control connection runs over TLS (not merely after AUTH TLS was accepted). */
    public boolean tlsActive() {
        return tlsOn;
    }

    public String pendingUser() {
        return pendingUser;
    }

    public TransferHandle transfer() {
        return transfer;
    }

    /** True when TLS is required of this client by {@code tls.mode} and not yet in place. */
    public boolean tlsRequiredButMissing() {
        return server.tls() != null && !tlsOn && controlTlsRequired();
    }

    public void expectPassword(String name) {
        pendingUser = name;
        state = State.NEED_PASS;
    }

    /**
     * The password was right: logs in with {@code welcome} (230), unless {@code clients.max} users or
     * {@code clients.max_per_ip} sessions of this address are logged in already, which ends the session with 421.
     */
    public void loggedIn(UserContext context, Reply welcome) {
        String refusal = loop.loginRefusal(this);
        if (refusal != null) {
            pendingUser = null;
            state = State.NEED_USER;
            server.events().loginRefused(this, context.name(), refusal);
            send(new Reply(421, refusal));
            closeAfterFlush("login refused: full");
            return;
        }
        loop.loggedIn(this);
        user = context;
        pendingUser = null;
        cwd = "/";
        state = State.LOGGED_IN;
        server.throttle().recordSuccess(peer.getAddress());
        server.events().loginOk(this);
        send(welcome);
    }

    /** Back to NEED_USER after a failed PASS (the reply is sent later by {@link #replyLater}). */
    public void loginFailed() {
        server.events().loginFailed(this);
        pendingUser = null;
        state = State.NEED_USER;
    }

    /** The session's PASV/EPSV listener: an unused one is kept, else a new one replaces it; null if none is free. */
    public ftp.server.data.PassiveRoute openPassive() throws IOException {
        if (passive != null && dataRoute == passive && passive.unused()) {
            // Keep it: a closed listener holds its port until the selector's next pass, so 2000 PASV in one
            // burst would otherwise take the whole passive range.
            passive.renew(server.settings().dataTimeout());
            return passive;
        }
        closeDataRoute();
        InetAddress bind = localAddress().getAddress();
        java.nio.channels.ServerSocketChannel ch = loop.passivePorts().open(bind);
        if (ch == null) {
            return null;
        }
        PassiveRoute listener = new PassiveRoute(ch, peer.getAddress(), server.settings().dataTimeout(),
                server.events());
        loop.register(listener);
        dataRoute = listener;
        passive = listener;
        return listener;
    }

    /** Replaces the data connection set-up (a new PASV closes the previous listener: one per session). */
    public void setDataRoute(DataRoute link, PassiveRoute listener) {
        closeDataRoute();
        dataRoute = link;
        passive = listener;
    }

    private void closeDataRoute() {
        if (dataRoute != null) {
            dataRoute.close();
        }
        dataRoute = null;
        passive = null;
    }

    // ---------------------------------------------------------------- I/O, called by the EventLoop

    void greet(Reply reply) {
        if (io.ready()) {
            send(reply);
        } else {
            greeting = reply;
        }
    }

    void enterWaitingRoom(int place) {
        state = State.WAITING;
        send(new Reply(120, "Server full; you are number " + place + " in line. Please wait."));
    }

    void admitFromWaitingRoom() {
        state = State.NEED_USER;
        lastActivityNanos = System.nanoTime();
        greetedNanos = lastActivityNanos;
        send(new Reply(220, "Ready for you now."));
        processQueued();
    }

    void onReadable(ByteBuffer scratch) {
        if (!input.reading() || tlsPending) {
            // A read event selected before the pause; the backlog is taken first on resume. Or AUTH TLS was
            // accepted: whatever the client sent since stays in the socket for the TLS handshake to refuse.
            return;
        }
        try {
            do {
                scratch.clear();
                int n = io.read(scratch);
                if (n < 0) {
                    if (transfer != null) {
                        close("client closed the connection"); // a vanished client's transfer must not hold a worker
                        return;
                    }
                    input.markEnded();
                    updateInterest(!io.hasPendingOutput());
                    processQueued();
                    return;
                }
                if (n == 0) {
                    break;
                }
                scratch.flip();
                lastActivityNanos = System.nanoTime();
                take(scratch);
                if (state == State.CLOSING) {
                    return;
                }
                processQueued();
            } while (!input.paused() && !tlsPending && io.hasBufferedInput() && state != State.CLOSING);
            if (greeting != null && io.ready()) {
                Reply r = greeting;
                greeting = null;
                send(r);
            }
            flush(); // a TLS handshake answers while reading; also re-arms OP_READ after a handshake task
        } catch (IOException e) {
            close("read failed: " + e.getMessage());
        }
    }

    void onWritable() {
        flush();
    }

    /** Splits bytes into lines until reading pauses; what is left then waits in the input's backlog, in order. */
    private void take(ByteBuffer in) {
        Line line;
        while (state != State.CLOSING && !tlsPending && (line = input.next(in)) != null) {
            onLine(line);
        }
        if (state != State.CLOSING && !tlsPending) {
            input.keepRest(in);
        }
    }

    private void onLine(Line line) {
        if (line instanceof Line.TooLong) {
            send(new Reply(500, "Command line too long."));
            closeAfterFlush("command line too long");
            return;
        }
        if (state == State.WAITING) {
            if (line instanceof Line.Text t && verbOf(t.text()).equals("QUIT")) {
                send(new Reply(221, "Goodbye."));
                closeAfterFlush("quit while waiting");
            }
            return;
        }
        if (awaitingResult != null && awaitingExpiry != null && line instanceof Line.Text t) {
            String verb = verbOf(t.text());
            if (verb.equals("ABOR")) {
                endAwait(new Outcome(List.of(new Reply(426, lastVerb + " abandoned."),
                        new Reply(226, "ABOR command successful.")), c -> { }));
                return;
            }
            if (verb.equals("QUIT")) {
                awaitingResult = null;
                send(new Reply(221, "Goodbye."));
                closeAfterFlush("quit");
                return;
            }
        }
        if (transfer != null && line instanceof Line.Text t) {
            String verb = verbOf(t.text());
            if (verb.equals("ABOR") || verb.equals("STAT") || verb.equals("QUIT")) {
                duringTransfer(verb);
                return;
            }
        }
        if (input.queue(line)) {
            updateInterest(!io.hasPendingOutput()); // the queue is full: reading paused
        }
    }

    private void duringTransfer(String verb) {
        switch (verb) {
            case "ABOR" -> {
                abortRequested = true;
                transfer.abort();
                if (awaitingData != null) {
                    endDataWait(new Reply(426, "No data connection was made; transfer aborted."));
                }
            }
            case "STAT" -> send(new Reply(213, "Status: " + transfer.progress()));
            default -> {
                quitAfterTransfer = true;
                if (awaitingData != null) {
                    endDataWait(new Reply(425, "No data connection was made."));
                }
            }
        }
    }

    /**
     * Runs queued lines until one goes to a worker (one command in flight per session); once the queue has
     * room again, takes the backlog and resumes reading.
     */
    void processQueued() {
        while (true) {
            Line line;
            while (!busy && !tlsPending && state != State.CLOSING && state != State.WAITING
                    && (line = input.poll()) != null) {
                if (line instanceof Line.Malformed) {
                    send(new Reply(500, "Command is not valid UTF-8."));
                } else if (line instanceof Line.Text t) {
                    dispatch(t.text());
                }
            }
            if (!input.roomToResume() || state == State.CLOSING || tlsPending) {
                if (input.ended() && !busy && input.drained() && state != State.CLOSING) {
                    closeAfterFlush("client closed the connection");
                }
                return;
            }
            ByteBuffer rest = input.resume();
            updateInterest(!io.hasPendingOutput());
            if (rest != null) {
                take(rest); // may pause again, keeping a shorter backlog
            }
            if (!input.paused() && io.hasBufferedInput()) {
                loop.readSoon(this); // TLS may hold decrypted bytes that no read event will announce
            }
        }
    }

    private void dispatch(String line) {
        int space = line.indexOf(' ');
        String verb = verbOf(line);
        String arg = space < 0 ? "" : line.substring(space + 1);
        CommandSpec spec = loop.commands().find(verb);
        if (spec == null) {
            send(new Reply(502, "Command not implemented: " + printable(verb) + "."));
            return;
        }
        if (spec.needsLogin() && state != State.LOGGED_IN) {
            send(new Reply(530, "Please login with USER and PASS."));
            return;
        }
        if (spec.arg() == CommandSpec.Arg.REQUIRED && arg.isBlank()) {
            send(new Reply(501, "Syntax: " + spec.help()));
            return;
        }
        options.beforeCommand(verb);
        lastVerb = verb;
        try {
            CommandSpec.Handler handler = spec.handler();
            if (handler instanceof LoopHandler h) {
                Reply r = h.run(this, arg);
                if (r != null) {
                    send(r);
                }
            } else if (handler instanceof WorkerHandler h) {
                submit(verb, null, view -> h.run(view, arg));
            } else if (handler instanceof TransferHandler h) {
                startTransfer(verb, arg, h, spec.longRunning() ? server.transfers() : server.workers());
            }
        } catch (FtpReplyException e) {
            send(e.reply());
        } catch (RuntimeException e) {
            ServerContext.LOG.log(Level.SEVERE, "command " + verb + " failed", e);
            send(new Reply(451, "Local error in processing."));
        }
    }

    private void startTransfer(String verb, String arg, TransferHandler h, WorkerPool pool) {
        if (input.ended()) {
            close("client closed the connection"); // nobody is left to take the data
            return;
        }
        if (dataRoute == null) {
            send(new Reply(425, "Use PASV, EPSV, PORT or EPRT first."));
            return;
        }
        if (server.tls() != null && !options.protectedData() && dataProtectionRequired()) {
            closeDataRoute(); // whoever connected to it in the meantime gets nothing and keeps nothing open
            send(new Reply(521, "Data connections must be protected: use " + (tlsOn ? "" : "AUTH TLS, ")
                    + "PBSZ 0 and PROT P."));
            return;
        }
        TransferHandle handle = new TransferHandle(verb + " " + arg);
        DataRoute link = dataRoute;
        dataRoute = null; // the worker owns it now
        passive = null;
        transfer = handle;
        abortRequested = false;
        Runnable start = () -> {
            submit(pool, verb, handle, view -> {
                try {
                    return whileAccountAllows(view, v -> h.run(v.withData(link), arg));
                } finally {
                    link.close(); // a refused command never opened it; a finished one is done with it
                }
            });
            if (!busy) { // refused by a full queue
                link.close();
                transfer = null;
            }
        };
        if (link instanceof ActiveRoute active) {
            loop.connect(active);
        }
        if (!link.settled()) {
            awaitDataConnection(link, start);
        } else {
            start.run();
        }
    }

    /**
     * A transfer whose data connection is not up yet (the client has not connected to the passive port, or the
     * active connect is in progress): the session stays busy and the selector thread waits, not a worker. The
     * command goes to its pool once the connection is up or failed; ABOR, QUIT, a closed session or the data
     * timeout end the wait instead ({@link #endDataWait}).
     */
    private void awaitDataConnection(DataRoute route, Runnable start) {
        busy = true;
        awaitingData = route;
        route.whenConnected(() -> {
            if (awaitingData != route) {
                return;
            }
            awaitingData = null;
            busy = false;
            start.run();
            if (!busy) {
                processQueued(); // refused by a full queue: the lines behind it run now
            }
        });
    }

    /** Ends a wait for the data connection with {@code reply}, as if a worker had answered it. */
    private void endDataWait(Reply reply) {
        DataRoute route = awaitingData;
        awaitingData = null;
        route.whenConnected(null);
        route.close();
        complete(Outcome.of(reply));
    }

    /** True when {@code tls.mode} requires TLS on this client's control connection (whether or not it is in place). */
    private boolean controlTlsRequired() {
        return switch (server.settings().tlsMode()) {
            case REQUIRED -> true;
            case REMOTE -> !peer.getAddress().isLoopbackAddress();
            default -> false;
        };
    }

    /**
     * True when this client's data connections must be protected ({@code PROT P}). Under {@code remote} that
     * includes loopback clients, whose control connection may be plain: every local account connects from the
     * loopback address, so a plain passive port could be taken by any local process that reaches it first.
     * {@code tls.loopback_plain_data=true} waives it (a machine with no other local users).
     */
    private boolean dataProtectionRequired() {
        ServerSettings s = server.settings();
        return switch (s.tlsMode()) {
            case REQUIRED -> true;
            case REMOTE -> !peer.getAddress().isLoopbackAddress() || !s.tlsLoopbackPlainData();
            default -> false;
        };
    }

    @FunctionalInterface
    private interface Work {
        Outcome run(SessionView view) throws Exception;
    }

    /** For loop handlers that first check state on the loop, then hand the real work to a worker. */
    public void submitToWorker(String verb, WorkerHandler handler, String arg) {
        submit(verb, null, view -> handler.run(view, arg));
    }

    /** PASS: the password hash runs on the server's password-check threads, not on the workers. */
    public void submitPasswordCheck(WorkerHandler handler, String arg) {
        submit(server.passwordChecks(), "PASS", null, view -> handler.run(view, arg));
    }

    private void submit(String verb, TransferHandle handle, Work work) {
        submit(server.workers(), verb, handle, view -> whileAccountAllows(view, work));
    }

    /** Worker: runs {@code work} unless the user's account was deleted or disabled since the login. */
    private static Outcome whileAccountAllows(SessionView view, Work work) throws Exception {
        if (view.user() != null && !AccountWatch.allows(view.server(), view.user().name())) {
            return new Outcome(List.of(), Session::endForLostAccount);
        }
        return work.run(view);
    }

    /** The account was deleted or disabled: 421, and the session ends with whatever it was doing. */
    void endForLostAccount() {
        ServerContext.LOG.info(() -> "session=" + id + " user=" + LogField.quote(user.name())
                + " ended: account deleted or disabled");
        send(new Reply(421, "Your account was deleted or disabled; closing control connection."));
        closeAfterFlush("account deleted or disabled");
    }

    private void submit(WorkerPool pool, String verb, TransferHandle handle, Work work) {
        SessionView view = new SessionView(server, user, peer.getAddress(), cwd, options.takeFor(verb),
                tlsOn ? loop.tlsSessionOf(io) : null, tlsOn ? loop.tlsContextOf(io) : null, null, handle,
                reply -> loop.post(() -> send(reply)));
        boolean accepted = pool.trySubmit(() -> {
            Outcome outcome;
            try {
                outcome = work.run(view);
            } catch (FtpReplyException e) {
                outcome = Outcome.of(e.reply());
            } catch (Exception | Error e) {
                outcome = localError(verb, e);
            }
            Outcome result = outcome;
            loop.post(() -> complete(result));
        });
        if (accepted) {
            busy = true;
        } else {
            send(new Reply(421, "Server busy, try again later."));
        }
    }

    /**
     * Keeps the session busy until {@code pending} completes on another thread, then applies it like a
     * worker's outcome: the session waits, no thread does.
     */
    public void await(String verb, CompletableFuture<Outcome> pending) {
        awaitAtMost(verb, pending, null, null);
    }

    /**
     * Like {@link #await(String, CompletableFuture)}, but answers {@code onExpiry} if {@code pending} has not
     * completed within {@code limit} (checked by the loop's timeout sweep), and lets ABOR and QUIT end the
     * wait; a result that comes after the wait ended is dropped.
     */
    public void awaitAtMost(String verb, CompletableFuture<Outcome> pending, Duration limit, Reply onExpiry) {
        busy = true;
        awaitingResult = pending;
        awaitingExpiry = onExpiry;
        awaitingDeadlineNanos = limit == null ? 0 : System.nanoTime() + limit.toNanos();
        pending.whenComplete((outcome, failure) -> {
            Outcome result = failure == null ? outcome : localError(verb, failure);
            loop.post(() -> {
                if (awaitingResult == pending) {
                    endAwait(result);
                }
            });
        });
    }

    private void endAwait(Outcome result) {
        awaitingResult = null;
        awaitingExpiry = null;
        complete(result);
    }

    private Outcome localError(String verb, Throwable e) {
        ServerContext.LOG.log(Level.SEVERE, "command " + verb + " failed in session " + id, e);
        return Outcome.of(451, "Local error in processing.");
    }

    private void complete(Outcome outcome) {
        busy = false;
        lastActivityNanos = System.nanoTime(); // a long transfer is activity: the idle clock starts after it
        boolean wasTransfer = transfer != null;
        transfer = null;
        if (state == State.CLOSING || !channel.isOpen()) {
            return;
        }
        outcome.change().accept(this);
        for (Reply r : outcome.replies()) {
            send(r);
        }
        if (wasTransfer && abortRequested) {
            abortRequested = false;
            send(new Reply(226, "ABOR command successful."));
        }
        if (loop.stopping()) {
            send(new Reply(421, "Server shutting down."));
            closeAfterFlush("shutdown");
            return;
        }
        if (wasTransfer && quitAfterTransfer) {
            send(new Reply(221, "Goodbye."));
            closeAfterFlush("quit");
            return;
        }
        processQueued();
    }

    /** Keeps the session busy and answers after {@code delay} (failed logins are answered slowly). */
    public void replyLater(Duration delay, Reply reply, boolean closeAfter) {
        busy = true;
        loop.schedule(delay, () -> {
            if (state == State.CLOSING) {
                return;
            }
            busy = false;
            send(reply);
            if (closeAfter) {
                closeAfterFlush("login refused");
            } else {
                processQueued();
            }
        });
    }

    // ---------------------------------------------------------------- TLS

    /**
     * AUTH TLS accepted: 234 goes out in clear, then the connection switches. From this line on no plaintext
     * byte is ever run: what was read and not yet run is dropped, reading stops until the 234 has left (however
     * long a client that does not read its replies makes that take), and what the client sent meanwhile is
     * then read by the TLS engine, which refuses it as a handshake and ends the connection.
     */
    public void startTls(Reply reply) {
        input.discard();
        tlsPending = true;
        if (reply != null) {
            send(reply); // its flush switches as soon as nothing is left to send
        }
        if (tlsPending && state != State.CLOSING && !io.hasPendingOutput()) {
            switchToTls();
        }
        updateInterest(!io.hasPendingOutput());
    }

    private void switchToTls() {
        tlsPending = false;
        try {
            io = loop.tlsFor(this, channel);
            tlsOn = true;
        } catch (IOException e) {
            close("TLS setup failed: " + e.getMessage());
        }
    }

    /** Called by the loop when a delegated TLS task finished, to continue the handshake and any reading. */
    void onTlsProgress(ByteBuffer scratch) {
        onReadable(scratch);
        flush();
    }

    // ---------------------------------------------------------------- output and closing

    public void send(Reply reply) {
        if (state == State.CLOSING && !channel.isOpen()) {
            return;
        }
        try {
            io.write(ByteBuffer.wrap(reply.render().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            close("write failed: " + e.getMessage());
            return;
        }
        flush();
    }

    private void flush() {
        try {
            boolean done = io.flush();
            if (done && tlsPending && state != State.CLOSING) {
                switchToTls();
            }
            updateInterest(done);
            if (done && state == State.CLOSING) {
                close(null);
            }
        } catch (IOException e) {
            close("write failed: " + e.getMessage());
        }
    }

    private void updateInterest(boolean flushed) {
        if (key == null || !key.isValid()) {
            return;
        }
        boolean reading = input.reading() && state != State.CLOSING && !tlsPending && !io.readBlocked();
        int ops = (reading ? SelectionKey.OP_READ : 0)
                | (flushed ? 0 : SelectionKey.OP_WRITE);
        key.interestOps(ops);
    }

    /**
     * A newer connection took this one's place in the budget of connections not yet logged in: 421, as much of it
     * as the socket takes at once, then closed at once (a client that does not read must not keep it).
     */
    void displace() {
        send(new Reply(421, "Too many connections waiting to log in; closing this one, the oldest."));
        close("displaced by a newer connection not logged in");
    }

    /** Sends what is queued, then closes; a client that does not read gets {@link #CLOSING_GRACE} to take it. */
    public void closeAfterFlush(String why) {
        if (state != State.CLOSING) {
            state = State.CLOSING;
            closingSinceNanos = System.nanoTime();
            endReason = why;
        }
        if (!io.hasPendingOutput()) {
            close(null);
        } else {
            updateInterest(false);
        }
    }

    /** Closes at once and releases everything the session holds. Idempotent. */
    public void close(String why) {
        boolean first = !ended;
        ended = true;
        if (endReason == null) {
            endReason = why;
        }
        state = State.CLOSING;
        if (transfer != null) {
            transfer.abort();
        }
        if (awaitingData != null) {
            awaitingData.whenConnected(null);
            awaitingData.close();
            awaitingData = null;
        }
        awaitingResult = null;
        closeDataRoute();
        if (key != null) {
            key.cancel();
        }
        io.close();
        loop.sessionClosed(this);
        if (first) {
            server.events().sessionEnded(this, endReason, Duration.ofNanos(System.nanoTime() - connectedNanos));
        }
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    // ---------------------------------------------------------------- timers, called by the EventLoop

    /** Idle and login deadlines; a running transfer is watched by its own data timeout instead. */
    void checkTimeouts(long nowNanos) {
        ServerSettings s = server.settings();
        if (state == State.CLOSING && channel.isOpen() && nowNanos - closingSinceNanos > CLOSING_GRACE.toNanos()) {
            close("last reply not taken within " + CLOSING_GRACE.toSeconds() + " s");
            return;
        }
        if (state == State.CLOSING || state == State.WAITING) {
            return;
        }
        if (passive != null && passive.expired(nowNanos)) {
            closeDataRoute();
        }
        if (awaitingData != null && awaitingData.expired(nowNanos)) {
            endDataWait(new Reply(425, "No data connection within " + s.dataTimeout().toSeconds() + " s."));
            return;
        }
        if (transfer != null && awaitingData == null) {
            transfer.abortIfStalled(nowNanos, s.dataTimeout());
        }
        if (awaitingResult != null && awaitingExpiry != null && nowNanos - awaitingDeadlineNanos > 0) {
            endAwait(Outcome.of(awaitingExpiry));
            return;
        }
        if (busy) {
            return;
        }
        if (state != State.LOGGED_IN && nowNanos - greetedNanos > s.loginTimeout().toNanos()) {
            send(new Reply(421, "Login timeout; closing control connection."));
            closeAfterFlush("login timeout");
        } else if (nowNanos - lastActivityNanos > s.idleTimeout().toNanos()) {
            send(new Reply(421, "Idle timeout (" + s.idleTimeout().toSeconds() + " s); closing control connection."));
            closeAfterFlush("idle timeout");
        }
    }

    SessionSummary summary(long nowNanos) {
        TransferHandle t = transfer;
        String doing = t != null ? t.description() : busy ? lastVerb : "idle";
        return new SessionSummary(id, state, user == null ? null : user.name(), peer.getAddress(),
                Duration.ofNanos(nowNanos - connectedNanos), Duration.ofNanos(nowNanos - lastActivityNanos), doing,
                t == null ? 0 : t.bytes(), t == null ? 0 : t.bytesPerSecond(nowNanos));
    }

    long connectedNanos() {
        return connectedNanos;
    }

    boolean busy() {
        return busy;
    }

    // ---------------------------------------------------------------- helpers

    static String verbOf(String line) {
        int space = line.indexOf(' ');
        return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    /** A client-supplied token made safe to echo or log: bounded, no control characters. */
    public static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), 64));
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
