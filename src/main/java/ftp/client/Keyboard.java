package ftp.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The keys the user types on a raw terminal, one byte at a time. While a transfer runs ({@link #watch}) a watcher
 * thread takes the keys instead, so that Ctrl-C stops the transfer at once; any other key it saw waits for the
 * next prompt. The watcher never blocks on the terminal (it polls {@code available()}), so once the transfer ends
 * no read of it is left pending to steal the next key, or the keys of a program run with {@code !cmd}. Main thread;
 * the watcher thread while watching.
 */
final class Keyboard {
    static final int CTRL_C = 3;
    private static final long POLL_MILLIS = 30;

    private final InputStream in;
    /** Keys the watcher took that were not Ctrl-C, in order. */
    private final Deque<Integer> typeAhead = new ArrayDeque<>();

    Keyboard(InputStream in) {
        this.in = in;
    }

    /** The next key's byte; -1 at the end of input. */
    int read() throws IOException {
        synchronized (typeAhead) {
            if (!typeAhead.isEmpty()) {
                return typeAhead.poll();
            }
        }
        return in.read();
    }

    /** Until the result is closed, Ctrl-C runs {@code onCtrlC} on a watcher thread. */
    Terminal.Watch watch(Runnable onCtrlC) {
        Thread watcher = new Thread(() -> {
            byte[] keys = new byte[64];
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    int n = in.available() > 0 ? in.read(keys) : 0;
                    if (n < 0) {
                        return;
                    }
                    for (int i = 0; i < n; i++) {
                        if (keys[i] == CTRL_C) {
                            onCtrlC.run();
                        } else {
                            synchronized (typeAhead) {
                                typeAhead.add(keys[i] & 0xff);
                            }
                        }
                    }
                    if (n == 0) {
                        Thread.sleep(POLL_MILLIS);
                    }
                }
            } catch (IOException e) {
                // The terminal went away: nothing more to watch.
            } catch (InterruptedException e) {
                // Closed: the transfer is over.
            }
        }, "ctrl-c-watcher");
        watcher.setDaemon(true);
        watcher.start();
        return () -> {
            watcher.interrupt();
            try {
                watcher.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }
}
