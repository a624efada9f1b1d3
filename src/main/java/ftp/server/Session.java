package ftp.server;

import ftp.log.LogField;
import ftp.server.CommandSpec.Checked;
import ftp.server.CommandSpec.LoopCheck;
import ftp.server.CommandSpec.LoopHandler;
import ftp.server.CommandSpec.Pool;
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
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.logging.Level;

/**
 * One control connection: the running of its commands as the {@link CommandTable} says. Its bytes travel through
 * its {@link ControlPipe} (plain or TLS, interest ops, flushing, closing), its protocol state (login, user, cwd, {@link TransferOptions}, the command in flight and the lines
 * waiting behind it) is its {@link ProtocolState}'s, and its data connection set-up its {@link DataSetup}'s; what
 * it needs of the loop it asks through {@link SessionServices}. Owned by the selector thread: every field is read
 * and written there only; workers see a {@link SessionView} snapshot and hand back an {@link Outcome}.
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

    private final SessionServices loop;
    private final ServerContext server;
    private final InetSocketAddress peer;
    private final String id;
    private final ProtocolState protocol;
    private final CommandInput input;
    private final TransferOptions options;
    private final ControlPipe pipe;

    private long lastActivityNanos = System.nanoTime();
    private final long connectedNanos = System.nanoTime();
    private long greetedNanos = connectedNanos; // the login timeout counts from the 220, not from the waiting room

    private final DataSetup data;
    private TransferHandle transfer;
    private CompletableFuture<Outcome> awaitingResult; // a command waits on the loop for a result from elsewhere
    private long awaitingDeadlineNanos;
    private Reply awaitingExpiry; // the answer if awaitingResult is not there by awaitingDeadlineNanos
    private boolean abortRequested;
    private boolean quitAfterTransfer;
    private String endReason; // the first reason given for closing
    private boolean ended;

    /** {@code peer} is the client's address: the socket's own, or the one its load balancer's PROXY header gave. */
    Session(SessionServices loop, ServerContext server, SocketChannel channel, InetSocketAddress peer, String id) {
        this.loop = loop;
        this.server = server;
        this.peer = peer;
        this.id = id;
        this.protocol = new ProtocolState(server.settings().maxLineLength());
        this.input = protocol.input();
        this.options = protocol.options();
        this.data = new DataSetup(loop, server, peer.getAddress(), id);
        this.pipe = new ControlPipe(channel, new ControlPipe.Owner() {
            @Override
            public boolean wantsInput() {
                return input.reading() && protocol.state() != State.CLOSING;
            }

            @Override
            public void pipeEnded(String why) {
                close(why);
            }
        }, () -> loop.tlsFor(this, channel));
    }

    void attach(SelectionKey selectionKey) {
        pipe.attach(selectionKey);
    }

    // ---------------------------------------------------------------- accessors for command handlers

    public ServerContext server() {
        return server;
    }

    public State state() {
        return protocol.state();
    }

    public InetAddress peerAddress() {
        return peer.getAddress();
    }

    public InetSocketAddress localAddress() throws IOException {
        return pipe.localAddress();
    }

    /** Unique across restarts: the server run's id, a dash, and a count. */
    public String id() {
        return id;
    }

    public UserContext user() {
        return protocol.user();
    }

    public String cwd() {
        return protocol.cwd();
    }

    public void setCwd(String virtualPath) {
        protocol.setCwd(virtualPath);
    }

    /** What the client has set up for its next commands (TYPE, REST, ALLO, RNFR, RANG, PBSZ, PROT, EPSV ALL). */
    public TransferOptions options() {
        return options;
    }

    /** True once the control connection runs over TLS (not merely after AUTH TLS was accepted). */
    public boolean tlsActive() {
        return pipe.tlsActive();
    }

    public String pendingUser() {
        return protocol.pendingUser();
    }

    public TransferHandle transfer() {
        return transfer;
    }

    /** True when TLS is required of this client by {@code tls.mode} and not yet in place. */
    public boolean tlsRequiredButMissing() {
        return server.tls() != null && !pipe.tlsActive() && controlTlsRequired();
    }

    public void expectPassword(String name) {
        protocol.expectPassword(name);
    }

    /**
     * The password was right: logs in with {@code welcome} (230), unless {@code clients.max} users or
     * {@code clients.max_per_ip} sessions of this address are logged in already, which ends the session with 421.
     */
    public void loggedIn(UserContext context, Reply welcome) {
        String refusal = loop.loginRefusal(this);
        if (refusal != null) {
            protocol.loginFailed();
            server.events().loginRefused(this, context.name(), refusal);
            send(new Reply(421, refusal));
            closeAfterFlush("login refused: full");
            return;
        }
        protocol.logIn(context);
        loop.loggedIn(this);
        server.throttle().recordSuccess(peer.getAddress());
        server.events().loginOk(this);
        send(welcome);
    }

    /** Back to NEED_USER after a failed PASS (the reply is sent later by {@link #replyLater}). */
    public void loginFailed() {
        server.events().loginFailed(this);
        protocol.loginFailed();
    }

    /** The session's PASV/EPSV listener: an unused one is kept, else a new one replaces it; null if none is free. */
    public PassiveRoute openPassive() throws IOException {
        return data.openPassive(localAddress().getAddress());
    }

    /** Replaces the data connection set-up (a new PASV closes the previous listener: one per session). */
    public void setDataRoute(DataRoute link, PassiveRoute listener) {
        data.use(link, listener);
    }

    // ---------------------------------------------------------------- I/O, called by the EventLoop

    void greet(Reply reply) {
        pipe.greet(reply);
    }

    void enterWaitingRoom(int place) {
        protocol.setState(State.WAITING);
        send(new Reply(120, "Server full; you are number " + place + " in line. Please wait."));
    }

    void admitFromWaitingRoom() {
        protocol.setState(State.NEED_USER);
        lastActivityNanos = System.nanoTime();
        greetedNanos = lastActivityNanos;
        send(new Reply(220, "Ready for you now."));
        processQueued();
    }

    void onReadable(ByteBuffer scratch) {
        if (!input.reading() || pipe.tlsPending()) {
            // A read event selected before the pause; the backlog is taken first on resume. Or AUTH TLS was
            // accepted: whatever the client sent since stays in the socket for the TLS handshake to refuse.
            return;
        }
        try {
            do {
                scratch.clear();
                int n = pipe.read(scratch);
                if (n < 0) {
                    if (transfer != null) {
                        close("client closed the connection"); // a vanished client's transfer must not hold a worker
                        return;
                    }
                    input.markEnded();
                    pipe.updateInterest();
                    processQueued();
                    return;
                }
                if (n == 0) {
                    break;
                }
                scratch.flip();
                lastActivityNanos = System.nanoTime();
                take(scratch);
                if (protocol.state() == State.CLOSING) {
                    return;
                }
                processQueued();
            } while (!input.paused() && !pipe.tlsPending() && pipe.hasBufferedInput()
                    && protocol.state() != State.CLOSING);
            pipe.afterRead();
        } catch (IOException e) {
            close("read failed: " + e.getMessage());
        }
    }

    void onWritable() {
        pipe.flush();
    }

    /** Splits bytes into lines until reading pauses; what is left then waits in the input's backlog, in order. */
    private void take(ByteBuffer in) {
        Line line;
        while (protocol.state() != State.CLOSING && !pipe.tlsPending() && (line = input.next(in)) != null) {
            onLine(line);
        }
        if (protocol.state() != State.CLOSING && !pipe.tlsPending()) {
            input.keepRest(in);
        }
    }

    private void onLine(Line line) {
        if (line instanceof Line.TooLong) {
            send(new Reply(500, "Command line too long."));
            closeAfterFlush("command line too long");
            return;
        }
        if (protocol.state() == State.WAITING) {
            // In the waiting room only the verbs the table allows there run; every other line is ignored.
            if (line instanceof Line.Text t && specOf(t.text()).whileWaiting()) {
                dispatch(t.text());
            }
            return;
        }
        if (awaitingResult != null && awaitingExpiry != null && line instanceof Line.Text t
                && specOf(t.text()).duringAwait() != null) {
            specOf(t.text()).duringAwait().accept(this); // ends the wait, not queued behind it
            return;
        }
        if (transfer != null && line instanceof Line.Text t && specOf(t.text()).duringTransfer() != null) {
            specOf(t.text()).duringTransfer().accept(this); // answered at once, not queued behind the transfer
            return;
        }
        if (input.queue(line)) {
            pipe.updateInterest(); // the queue is full: reading paused
        }
    }

    /** The line's spec, or {@link CommandTable#UNKNOWN} (allowed nowhere but in the queue, answered 502). */
    private CommandSpec specOf(String line) {
        CommandSpec spec = loop.commands().find(verbOf(line));
        return spec == null ? CommandTable.UNKNOWN : spec;
    }

    /** ABOR while a transfer runs (or waits for its data connection). */
    void abortTransfer() {
        abortRequested = true;
        transfer.abort();
        data.cutShort(new Reply(426, "No data connection was made; transfer aborted."));
    }

    /** ABOR while a command waits on the loop for a result: the wait ends, the result is dropped. */
    void abandonAwait() {
        endAwait(new Outcome(List.of(new Reply(426, protocol.lastVerb() + " abandoned."),
                new Reply(226, "ABOR command successful.")), c -> { }));
    }

    /** QUIT while a command waits on the loop for a result: 221 at once, and the result is dropped. */
    void quitDuringAwait() {
        awaitingResult = null;
        send(new Reply(221, "Goodbye."));
        closeAfterFlush("quit");
    }

    /** STAT while a transfer runs: its progress. */
    void reportTransfer() {
        send(new Reply(213, "Status: " + transfer.progress()));
    }

    /** QUIT while a transfer runs: 221 once it ends. */
    void quitAfterTransfer() {
        quitAfterTransfer = true;
        data.cutShort(new Reply(425, "No data connection was made."));
    }

    /**
     * Runs queued lines until one goes to a worker (one command in flight per session); once the queue has
     * room again, takes the backlog and resumes reading.
     */
    void processQueued() {
        while (true) {
            Line line;
            while (protocol.readyForNext() && !pipe.tlsPending() && (line = input.poll()) != null) {
                if (line instanceof Line.Malformed) {
                    send(new Reply(500, "Command is not valid UTF-8."));
                } else if (line instanceof Line.Text t) {
                    dispatch(t.text());
                }
            }
            if (!input.roomToResume() || protocol.state() == State.CLOSING || pipe.tlsPending()) {
                if (input.ended() && !protocol.busy() && input.drained() && protocol.state() != State.CLOSING) {
                    closeAfterFlush("client closed the connection");
                }
                return;
            }
            ByteBuffer rest = input.resume();
            pipe.updateInterest();
            if (rest != null) {
                take(rest); // may pause again, keeping a shorter backlog
            }
            if (!input.paused() && pipe.hasBufferedInput()) {
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
        if (spec.needsLogin() && protocol.state() != State.LOGGED_IN) {
            send(new Reply(530, "Please login with USER and PASS."));
            return;
        }
        if (spec.arg() == CommandSpec.Arg.REQUIRED && arg.isBlank()) {
            send(new Reply(501, "Syntax: " + spec.help()));
            return;
        }
        options.beforeCommand(spec);
        protocol.setLastVerb(spec.verb());
        try {
            spec.runs().start(spec, dispatcher, arg);
        } catch (FtpReplyException e) {
            send(e.reply());
        } catch (RuntimeException e) {
            ServerContext.LOG.log(Level.SEVERE, "command " + verb + " failed", e);
            send(new Reply(451, "Local error in processing."));
        }
    }

    /** Starts each kind of command the table knows ({@link CommandSpec.Runs}). */
    private final CommandSpec.Dispatcher dispatcher = new CommandSpec.Dispatcher() {
        @Override
        public void onLoop(CommandSpec spec, LoopHandler handler, String arg) throws FtpReplyException {
            Reply r = handler.run(Session.this, arg);
            if (r != null) {
                send(r);
            }
        }

        @Override
        public void checkThenWork(CommandSpec spec, LoopCheck check, String arg) throws FtpReplyException {
            Checked checked = check.run(Session.this, arg);
            if (checked.work() == null) {
                if (checked.reply() != null) {
                    send(checked.reply());
                }
                return;
            }
            WorkerHandler work = checked.work();
            String workArg = checked.arg();
            submit(pool(checked.pool()), spec, null, view -> work.run(view, workArg));
        }

        @Override
        public void onWorker(CommandSpec spec, WorkerHandler handler, String arg) {
            submit(server.workers(), spec, null, view -> handler.run(view, arg));
        }

        @Override
        public void onTransfer(CommandSpec spec, WorkerHandler handler, Pool pool, String arg) {
            startTransfer(spec, arg, handler, pool(pool));
        }
    };

    private WorkerPool pool(Pool pool) {
        return switch (pool) {
            case WORKERS -> server.workers();
            case TRANSFERS -> server.transfers();
            case PASSWORD_CHECKS -> server.passwordChecks();
        };
    }

    private void startTransfer(CommandSpec spec, String arg, WorkerHandler h, WorkerPool pool) {
        String verb = spec.verb();
        if (input.ended()) {
            close("client closed the connection"); // nobody is left to take the data
            return;
        }
        if (!data.hasRoute()) {
            send(new Reply(425, "Use PASV, EPSV, PORT or EPRT first."));
            return;
        }
        if (server.tls() != null && !options.protectedData() && dataProtectionRequired()) {
            data.closeRoute();
            send(new Reply(521, "Data connections must be protected: use " + (pipe.tlsActive() ? "" : "AUTH TLS, ")
                    + "PBSZ 0 and PROT P."));
            return;
        }
        TransferHandle handle = new TransferHandle(verb + " " + arg);
        DataRoute link = data.takeRoute(); // the transfer closes it
        transfer = handle;
        abortRequested = false;
        Runnable start = () -> runTransfer(pool, spec, handle, link, view -> h.run(view.withData(link), arg));
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
     * Hands a transfer command, or its {@link Outcome.Rest}, to its pool. The route is closed when the command
     * is done with it, unless the command goes on after the data connection's TLS handshake
     * ({@link #handshakeThenRest}).
     */
    private void runTransfer(WorkerPool pool, CommandSpec spec, TransferHandle handle, DataRoute link, Work work) {
        submit(pool, spec, handle, view -> {
            Outcome outcome = null;
            try {
                outcome = work.run(view);
                Outcome.Rest rest = outcome.rest();
                return rest == null ? outcome
                        : new Outcome(List.of(), s -> s.handshakeThenRest(pool, spec, handle, link, rest), rest);
            } finally {
                if (outcome == null || outcome.rest() == null) {
                    link.close(); // a refused command never opened it; a finished one is done with it
                }
            }
        });
        if (!protocol.busy()) { // refused by a full queue
            link.close();
            transfer = null;
        }
    }

    /**
     * A transfer whose data connection is not up yet (the client has not connected to the passive port, or the
     * active connect is in progress): the session stays busy and the selector thread waits, not a worker. The
     * command goes to its pool once the connection is up; ABOR, QUIT or the data timeout answer it instead.
     */
    private void awaitDataConnection(DataRoute route, Runnable start) {
        protocol.setBusy(true);
        data.awaitConnection(route, refusal -> {
            if (refusal != null) {
                complete(Outcome.of(refusal)); // as if a worker had answered it
                return;
            }
            protocol.setBusy(false);
            start.run();
            if (!protocol.busy()) {
                processQueued(); // refused by a full queue: the lines behind it run now
            }
        });
    }

    /**
     * A transfer under PROT P has sent its 150; the client now starts the data connection's TLS handshake, which
     * the loop runs (the session stays busy, no thread waits), then {@code rest} goes to the pool again. When the
     * handshake fails or is cut short (ABOR, QUIT, the timeout, a closed session) the route is refused with the
     * reply, and {@code rest} still runs, to release what the command holds and answer.
     */
    private void handshakeThenRest(WorkerPool pool, CommandSpec spec, TransferHandle handle, DataRoute route,
                                   Outcome.Rest rest) {
        Consumer<Reply> next = refusal -> {
            if (refusal != null) {
                route.refuse(refusal);
            }
            protocol.setBusy(false);
            runTransfer(pool, spec, handle, route, view -> rest.run());
            if (!protocol.busy() && protocol.state() != State.CLOSING) {
                processQueued(); // refused by a full queue: the lines behind it run now
            }
        };
        if (handle.aborted() || route.connection() == null) { // a closed session aborts its transfer too
            next.accept(null); // the rest reports it, as without TLS
            return;
        }
        data.awaitHandshake(route, pipe.tlsContext(), pipe.tlsSession(), next);
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

    /** The account was deleted or disabled: 421, and the session ends with whatever it was doing. */
    void endForLostAccount() {
        ServerContext.LOG.info(() -> "session=" + id + " user=" + LogField.quote(protocol.user().name())
                + " ended: account deleted or disabled");
        send(new Reply(421, "Your account was deleted or disabled; closing control connection."));
        closeAfterFlush("account deleted or disabled");
    }

    /**
     * Hands {@code work} to {@code pool} with a snapshot of the session, using up the one-shot settings the
     * spec names; the session is busy until the outcome comes back. The worker runs nothing for an account that
     * was deleted or disabled (a stat of the accounts file, read again only when it changed).
     */
    private void submit(WorkerPool pool, CommandSpec spec, TransferHandle handle, Work work) {
        UserContext user = protocol.user();
        SessionView view = new SessionView(server, user, peer.getAddress(), protocol.cwd(), options.takeFor(spec),
                null, handle,
                reply -> loop.post(() -> send(reply)));
        boolean accepted = pool.trySubmit(() -> {
            Outcome outcome;
            try {
                outcome = user != null && !AccountWatch.allows(server, user.name())
                        ? Outcome.answered(Session::endForLostAccount)
                        : work.run(view);
            } catch (FtpReplyException e) {
                outcome = Outcome.of(e.reply());
            } catch (Exception | Error e) {
                outcome = localError(spec.verb(), e);
            }
            Outcome result = outcome;
            loop.post(() -> complete(result));
        });
        if (accepted) {
            protocol.setBusy(true);
        } else {
            send(new Reply(421, "Server busy, try again later."));
        }
    }

    /**
     * Keeps the session busy until {@code pending} completes on another thread, then applies it like a
     * worker's outcome: the session waits, no thread does.
     */
    public void await(CompletableFuture<Outcome> pending) {
        awaitAtMost(pending, null, null);
    }

    /**
     * Like {@link #await(CompletableFuture)}, but answers {@code onExpiry} if {@code pending} has not completed
     * within {@code limit} (checked by the loop's timeout sweep), and lets ABOR and QUIT end the wait; a result
     * that comes after the wait ended is dropped.
     */
    public void awaitAtMost(CompletableFuture<Outcome> pending, Duration limit, Reply onExpiry) {
        protocol.setBusy(true);
        String verb = protocol.lastVerb();
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
        if (outcome.rest() != null) {
            outcome.change().accept(this); // the transfer goes on: see handshakeThenRest
            return;
        }
        protocol.setBusy(false);
        lastActivityNanos = System.nanoTime(); // a long transfer is activity: the idle clock starts after it
        boolean wasTransfer = transfer != null;
        transfer = null;
        if (protocol.state() == State.CLOSING || !pipe.isOpen()) {
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
        protocol.setBusy(true);
        loop.schedule(delay, () -> {
            if (protocol.state() == State.CLOSING) {
                return;
            }
            protocol.setBusy(false);
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
        pipe.startTls(reply);
    }

    /** Called by the loop when a delegated TLS task finished, to continue the handshake and any reading. */
    void onTlsProgress(ByteBuffer scratch) {
        onReadable(scratch);
        pipe.flush();
    }

    // ---------------------------------------------------------------- output and closing

    public void send(Reply reply) {
        pipe.send(reply);
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
        if (protocol.state() != State.CLOSING) {
            protocol.setState(State.CLOSING);
            endReason = why;
        }
        pipe.closeAfterFlush();
    }

    /** Closes at once and releases everything the session holds. Idempotent. */
    public void close(String why) {
        boolean first = !ended;
        ended = true;
        if (endReason == null) {
            endReason = why;
        }
        protocol.setState(State.CLOSING);
        if (transfer != null) {
            transfer.abort();
        }
        data.release();
        awaitingResult = null;
        pipe.close();
        loop.forget(this);
        if (first) {
            server.events().sessionEnded(this, endReason, Duration.ofNanos(System.nanoTime() - connectedNanos));
        }
    }

    boolean isOpen() {
        return pipe.isOpen();
    }

    // ---------------------------------------------------------------- timers, called by the EventLoop

    /** Idle and login deadlines; a running transfer is watched by its own data timeout instead. */
    void checkTimeouts(long nowNanos) {
        ServerSettings s = server.settings();
        if (pipe.closingLongerThan(nowNanos, CLOSING_GRACE)) {
            close("last reply not taken within " + CLOSING_GRACE.toSeconds() + " s");
            return;
        }
        if (protocol.state() == State.CLOSING || protocol.state() == State.WAITING) {
            return;
        }
        if (data.checkTimeouts(nowNanos)) {
            return;
        }
        if (transfer != null && !data.waiting()) {
            transfer.abortIfStalled(nowNanos, s.dataTimeout());
        }
        if (awaitingResult != null && awaitingExpiry != null && nowNanos - awaitingDeadlineNanos > 0) {
            endAwait(Outcome.of(awaitingExpiry));
            return;
        }
        if (protocol.busy()) {
            return;
        }
        if (protocol.state() != State.LOGGED_IN && nowNanos - greetedNanos > s.loginTimeout().toNanos()) {
            send(new Reply(421, "Login timeout; closing control connection."));
            closeAfterFlush("login timeout");
        } else if (nowNanos - lastActivityNanos > s.idleTimeout().toNanos()) {
            send(new Reply(421, "Idle timeout (" + s.idleTimeout().toSeconds() + " s); closing control connection."));
            closeAfterFlush("idle timeout");
        }
    }

    SessionSummary summary(long nowNanos) {
        TransferHandle t = transfer;
        String doing = t != null ? t.description() : protocol.busy() ? protocol.lastVerb() : "idle";
        UserContext user = protocol.user();
        return new SessionSummary(id, protocol.state(), user == null ? null : user.name(), peer.getAddress(),
                Duration.ofNanos(nowNanos - connectedNanos), Duration.ofNanos(nowNanos - lastActivityNanos), doing,
                t == null ? 0 : t.bytes(), t == null ? 0 : t.bytesPerSecond(nowNanos));
    }

    long connectedNanos() {
        return connectedNanos;
    }

    boolean busy() {
        return protocol.busy();
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
