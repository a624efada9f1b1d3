package ftp.server;

/**
 * A verb's metadata, so the common checks happen once before any handler runs: not logged in → 530,
 * missing argument → 501, and where the handler runs (selector thread or worker). {@code longRunning} transfers
 * (RETR, STOR, APPE, STOU) run on their own pool, so a slow download never delays a listing. Immutable.
 */
public record CommandSpec(String verb, boolean needsLogin, Arg arg, Handler handler, String help, boolean longRunning) {

    public CommandSpec(String verb, boolean needsLogin, Arg arg, Handler handler, String help) {
        this(verb, needsLogin, arg, handler, help, false);
    }

    public enum Arg { NONE, OPTIONAL, REQUIRED }

    /** Where a command runs. */
    public sealed interface Handler permits LoopHandler, WorkerHandler, TransferHandler {}

    /** Cheap commands answered on the selector thread; they must never block or touch the disk. */
    @FunctionalInterface
    public non-sealed interface LoopHandler extends Handler {
        Reply run(Session session, String arg) throws FtpReplyException;
    }

    /** Commands that touch the disk or burn CPU: run on a worker with a snapshot of the session. */
    @FunctionalInterface
    public non-sealed interface WorkerHandler extends Handler {
        Outcome run(SessionView view, String arg) throws Exception;
    }

    /**
     * Commands that use a data connection: like {@link WorkerHandler}, but the session must have one set up
     * (PASV/EPSV/PORT/EPRT first, else 425), and while it runs ABOR, STAT and QUIT are answered at once.
     */
    @FunctionalInterface
    public non-sealed interface TransferHandler extends Handler {
        Outcome run(SessionView view, String arg) throws Exception;
    }
}
