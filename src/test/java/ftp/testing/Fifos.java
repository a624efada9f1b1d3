package ftp.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Named pipes for the tests that swap one in where the server expects a file: made with {@code mkfifo}, and
 * released afterwards so that no thread of a server that did wait on one stays stuck in the kernel. Test thread.
 */
public final class Fifos {
    private Fifos() {}

    /** Makes a FIFO at {@code path} with mkfifo(1); returns the path. */
    public static Path make(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("mkfifo " + path + " failed");
        }
        return path;
    }

    /**
     * Opens the FIFO read-write and closes it: a read-write open never waits on Linux, and it wakes every
     * thread still waiting in a read-only open of the same FIFO.
     */
    public static void release(Path fifo) throws IOException {
        FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE).close();
    }
}
