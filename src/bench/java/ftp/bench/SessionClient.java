package ftp.bench;

/**
 * A client of a timed window that holds one logged-in session ({@link ControlConnection#session}), opened in
 * {@link #prepare} (a failure is counted, and the client then idles) and cut by {@link #abort}. Its own thread,
 * except {@link #abort}.
 */
abstract class SessionClient implements TimedWindow.Client {
    final Target target;
    final ErrorTally errors;
    private final String what;
    volatile ControlConnection c;

    SessionClient(Target target, ErrorTally errors, String what) {
        this.target = target;
        this.errors = errors;
        this.what = what;
    }

    @Override
    public void prepare() {
        c = ControlConnection.sessionOrNull(target, errors, what + " connect");
    }

    @Override
    public void abort() {
        ControlConnection now = c;
        if (now != null) {
            now.close();
        }
    }
}
