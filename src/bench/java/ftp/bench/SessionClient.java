package ftp.bench;

import java.io.IOException;

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

    /** Commands run on the session, again and again while the window is open. */
    interface Step {
        void run(ControlConnection c) throws IOException;
    }

    SessionClient(Target target, ErrorTally errors, String what) {
        this.target = target;
        this.errors = errors;
        this.what = what;
    }

    @Override
    public void prepare() {
        c = ControlConnection.sessionOrNull(target, errors, what + " connect");
    }

    /**
     * Runs {@code step} until the window closes or it fails; a failure inside the window is counted (one after
     * it is the window's cut). Cuts the session at the end.
     */
    final void repeatUntil(long end, Step step) {
        try {
            while (c != null && System.nanoTime() - end < 0) {
                step.run(c);
            }
        } catch (IOException e) {
            if (System.nanoTime() - end < 0) {
                errors.add(what, e);
            }
        } finally {
            abort();
        }
    }

    @Override
    public void abort() {
        ControlConnection now = c;
        if (now != null) {
            now.close();
        }
    }
}
