package ftp.server;

import ftp.server.Session.State;

/**
 * The protocol side of one control connection: the login state, the user and cwd, what the client set up for
 * later commands, and the rule of one command in flight with the lines waiting behind it. Owned by the selector
 * thread, like its {@link Session}; workers see a {@link SessionView} instead.
 */
final class ProtocolState {
    private final CommandInput input;
    private final TransferOptions options = new TransferOptions();
    private State state = State.NEED_USER;
    private boolean busy;
    private String pendingUser;
    private UserContext user;
    private String cwd = "/";
    private String lastVerb = "";

    ProtocolState(int maxLineLength) {
        this.input = new CommandInput(maxLineLength);
    }

    /** The lines read and not yet run. */
    CommandInput input() {
        return input;
    }

    TransferOptions options() {
        return options;
    }

    State state() {
        return state;
    }

    void setState(State s) {
        state = s;
    }

    /** True while a command is in flight: the lines behind it wait. */
    boolean busy() {
        return busy;
    }

    void setBusy(boolean b) {
        busy = b;
    }

    /** True when the next waiting line may run: none in flight, and the session is neither waiting nor closing. */
    boolean readyForNext() {
        return !busy && state != State.CLOSING && state != State.WAITING;
    }

    String pendingUser() {
        return pendingUser;
    }

    UserContext user() {
        return user;
    }

    String cwd() {
        return cwd;
    }

    void setCwd(String virtualPath) {
        cwd = virtualPath;
    }

    /** The last verb run, for the admin status of a busy session. */
    String lastVerb() {
        return lastVerb;
    }

    void setLastVerb(String verb) {
        lastVerb = verb;
    }

    void expectPassword(String name) {
        pendingUser = name;
        state = State.NEED_PASS;
    }

    void logIn(UserContext context) {
        user = context;
        pendingUser = null;
        cwd = "/";
        state = State.LOGGED_IN;
    }

    /** Back to NEED_USER: a failed or refused login. */
    void loginFailed() {
        pendingUser = null;
        state = State.NEED_USER;
    }
}
