package ftp.server;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A verb's metadata, so the common checks happen once before any handler runs: not logged in → 530,
 * missing argument → 501; where the handler runs ({@link Runs}); what it may do while a transfer runs, while a
 * command waits on the loop for a result, or while the session waits in the waiting room; and which one-shot
 * settings ({@link Pending}) it uses up when it goes to a worker. Immutable.
 *
 * @param duringTransfer what the verb does while a transfer runs (answered at once, not queued), or null when
 *                       it waits for the transfer like any other line
 * @param duringAwait    what the verb does while a command waits on the loop for a result with a deadline
 *                       ({@link Session#awaitAtMost}), answered at once; null when it waits like any other line
 * @param whileWaiting   whether the verb is run in the waiting room, where every other line is ignored
 */
public record CommandSpec(String verb, boolean needsLogin, Arg arg, Runs runs, Set<Pending> consumes,
                          Consumer<Session> duringTransfer, Consumer<Session> duringAwait, boolean whileWaiting,
                          String help) {

    public enum Arg { NONE, OPTIONAL, REQUIRED }

    /** Where a command's work runs. */
    public enum Where { LOOP, WORKER, TRANSFER }

    /** The one-shot settings a later command uses up (see {@link TransferOptions}). */
    public enum Pending {
        /** REST's offset: used up by every command that goes to a worker. */
        REST,
        /** ALLO's size: used up by an upload. */
        ALLO,
        /** RANG's byte range: used up by HASH. */
        RANG,
        /** RNFR's target: holds for the very next command only, and only RNTO uses it. */
        RNFR
    }

    /** The pools a command's work may go to. */
    public enum Pool { WORKERS, TRANSFERS, PASSWORD_CHECKS }

    public CommandSpec {
        consumes = Set.copyOf(consumes);
    }

    /** Where the work runs: a two-phase command's loop check runs on the loop, its work on a worker. */
    public Where where() {
        return runs.where();
    }

    public boolean consumes(Pending p) {
        return consumes.contains(p);
    }

    /** Starts a command; {@link Session#dispatch} calls the method for the kind, so no caller needs a cast. */
    public interface Dispatcher {
        void onLoop(CommandSpec spec, LoopHandler handler, String arg) throws FtpReplyException;

        void checkThenWork(CommandSpec spec, LoopCheck check, String arg) throws FtpReplyException;

        void onWorker(CommandSpec spec, WorkerHandler handler, String arg) throws FtpReplyException;

        void onTransfer(CommandSpec spec, WorkerHandler handler, Pool pool, String arg) throws FtpReplyException;
    }

    /** How a verb runs: one of the records below. */
    public sealed interface Runs permits OnLoop, CheckThenWork, OnWorker, OnTransfer {
        Where where();

        void start(CommandSpec spec, Dispatcher to, String arg) throws FtpReplyException;
    }

    /** Cheap commands answered on the selector thread; they must never block or touch the disk. */
    public record OnLoop(LoopHandler handler) implements Runs {
        public Where where() {
            return Where.LOOP;
        }

        public void start(CommandSpec spec, Dispatcher to, String arg) throws FtpReplyException {
            to.onLoop(spec, handler, arg);
        }
    }

    /**
     * Two phases: a check on the selector thread (session state, syntax) that either answers at once or hands
     * the real work to a worker ({@link Checked}).
     */
    public record CheckThenWork(LoopCheck check) implements Runs {
        public Where where() {
            return Where.WORKER;
        }

        public void start(CommandSpec spec, Dispatcher to, String arg) throws FtpReplyException {
            to.checkThenWork(spec, check, arg);
        }
    }

    /** Commands that touch the disk or burn CPU: run on a worker with a snapshot of the session. */
    public record OnWorker(WorkerHandler handler) implements Runs {
        public Where where() {
            return Where.WORKER;
        }

        public void start(CommandSpec spec, Dispatcher to, String arg) throws FtpReplyException {
            to.onWorker(spec, handler, arg);
        }
    }

    /**
     * Commands that use a data connection: like {@link OnWorker}, but the session must have one set up
     * (PASV/EPSV/PORT/EPRT first, else 425). File transfers may run for hours, so they go to the transfer pool,
     * and a slow download never delays a listing.
     */
    public record OnTransfer(WorkerHandler handler, Pool pool) implements Runs {
        public Where where() {
            return Where.TRANSFER;
        }

        public void start(CommandSpec spec, Dispatcher to, String arg) throws FtpReplyException {
            to.onTransfer(spec, handler, pool, arg);
        }
    }

    @FunctionalInterface
    public interface LoopHandler {
        /** The reply, or null when the handler has answered (or closed) itself. */
        Reply run(Session session, String arg) throws FtpReplyException;
    }

    @FunctionalInterface
    public interface LoopCheck {
        Checked run(Session session, String arg) throws FtpReplyException;
    }

    @FunctionalInterface
    public interface WorkerHandler {
        Outcome run(SessionView view, String arg) throws Exception;
    }

    /**
     * What a loop check decided: a reply to send at once (null when the check answered itself), or work to run
     * on {@code pool} with {@code arg}. Immutable.
     */
    public record Checked(Reply reply, Pool pool, WorkerHandler work, String arg) {
        public static Checked answer(Reply reply) {
            return new Checked(reply, null, null, null);
        }

        public static Checked work(WorkerHandler work, String arg) {
            return new Checked(null, Pool.WORKERS, work, arg);
        }

        public static Checked passwordCheck(WorkerHandler work, String arg) {
            return new Checked(null, Pool.PASSWORD_CHECKS, work, arg);
        }
    }

    /** What work leaving the loop uses up: REST, and {@code more}. */
    static Set<Pending> restAnd(Pending... more) {
        EnumSet<Pending> set = EnumSet.of(Pending.REST);
        set.addAll(List.of(more));
        return set;
    }
}
