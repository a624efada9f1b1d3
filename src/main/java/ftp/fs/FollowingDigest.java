package ftp.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;

/**
 * The MD5 of a file that is being written, computed on a thread of its own (normal priority) that reads what
 * the writer has already stored (from the page cache). The writer never waits for MD5, so an upload runs at
 * wire speed; whoever needs the digest waits only for what is left ({@link #result()}). Digesting the stored
 * bytes from offset 0 also makes a resumed file's digest the whole file's without a pass before the upload.
 *
 * <p>Why a follower and not the receive loop itself: MD5 does 600-700 MB/s on one core, and cannot be split
 * across cores. Inline, it would cap every upload at that rate, a third of what one upload reaches on
 * loopback or a fast LAN, and would add its cost to the transfer thread's. As a follower it costs the
 * upload nothing while the upload is slower than MD5 (any real network: the digest is done when the upload
 * is), and when the upload outruns MD5 (it got more than {@value #MAX_LAG_BYTES} bytes ahead, and in the
 * next {@value #CHECK_MILLIS} ms it grew by more than half of what the digest can do in that time), digesting
 * alongside would only take CPU from the transfer: the digest then waits until the upload ends or slows
 * down, and catches up then. HASH asked meanwhile waits on the selector thread for {@link #result()}, never
 * on a worker.
 *
 * <p>The writer calls {@link #advance} and then {@link #finish} or {@link #abandon}; {@link #run} runs on a
 * digest thread. Thread-safe.
 */
public final class FollowingDigest implements Runnable {
    static final long MAX_LAG_BYTES = 32L << 20;
    static final long CHECK_MILLIS = 200;
    /** What the digest is assumed to do before it has measured itself: a slow core's MD5. */
    private static final double ASSUMED_BYTES_PER_MILLI = 300_000;
    private static final int CHUNK = 1 << 20;
    /** Digest threads are reused: one buffer each, not one allocation per upload. */
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));

    private final FileChannel file;
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private long written;        // guarded by this: bytes [0, written) are stored and may be read
    private long finalSize = -1; // guarded by this: set by finish
    private boolean abandoned;   // guarded by this
    private boolean waitingForBytes; // guarded by this: the digest has caught up and waits for the writer
    /** Bytes digested so far: whether the digest follows or holds back shows here. */
    private volatile long digested;

    /** Takes ownership of {@code file}, a channel open for reading on the file being written. */
    public FollowingDigest(FileChannel file) {
        this.file = file;
        // A cancelled digest lets go of the file at once: a deleted file's space must not wait for it.
        result.whenComplete((hex, failure) -> {
            if (result.isCancelled()) {
                try {
                    file.close();
                } catch (IOException ignored) {
                    // closing anyway; the digest thread sees a closed channel and stops
                }
            }
        });
    }

    /** Writer: bytes up to {@code position} are stored. Wakes the digest only when it waits for them. */
    public synchronized void advance(long position) {
        if (position > written) {
            written = position;
            if (waitingForBytes) {
                notifyAll();
            }
        }
    }

    /** Writer: the upload is complete at {@code size} bytes; the digest covers exactly those. */
    public synchronized void finish(long size) {
        finalSize = size;
        written = size;
        notifyAll();
    }

    /** Writer: the upload did not complete; nobody will want this digest. Idempotent, no-op after finish. */
    public synchronized void abandon() {
        if (finalSize < 0) {
            abandoned = true;
            notifyAll();
        }
    }

    /**
     * The hex digest once the file is finished and digested; fails if the upload was abandoned. Cancelling
     * it closes the file and stops the digest.
     */
    public CompletableFuture<String> result() {
        return result;
    }

    long digested() {
        return digested;
    }

    @Override
    public void run() {
        try (FileChannel in = file) {
            MessageDigest md5 = Md5.newDigest();
            ByteBuffer buffer = BUFFER.get();
            long position = 0;
            long catchUpTo = 0; // digest up to here before asking again whether the upload outruns MD5
            long digestedBytes = 0;
            long digestNanos = 0;
            while (true) {
                long limit;
                synchronized (this) {
                    waitingForBytes = true;
                    while (position >= written && finalSize < 0 && !abandoned && !result.isDone()) {
                        wait();
                    }
                    waitingForBytes = false;
                    if (finalSize < 0 && !abandoned && position >= catchUpTo && written - position > MAX_LAG_BYTES) {
                        waitWhileOutrun(digestedBytes > CHUNK
                                ? digestedBytes / Math.max(1.0, digestNanos / 1e6) : ASSUMED_BYTES_PER_MILLI);
                        catchUpTo = written;
                    }
                    if (abandoned) {
                        result.completeExceptionally(new IllegalStateException("upload did not complete"));
                        return;
                    }
                    if (result.isDone()) {
                        return;  // cancelled: nobody will ask for this digest any more
                    }
                    if (finalSize >= 0 && position >= finalSize) {
                        break;
                    }
                    limit = written;
                }
                long started = System.nanoTime();
                buffer.clear().limit((int) Math.min(CHUNK, limit - position));
                int n = in.read(buffer, position);
                if (n < 0) {
                    throw new IOException("file shorter than written: " + position);
                }
                buffer.flip();
                md5.update(buffer);
                position += n;
                digestedBytes += n;
                digestNanos += System.nanoTime() - started;
                digested = position;
            }
            result.complete(Md5.hex(md5.digest()));
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(e);
        } catch (InterruptedException e) {
            result.completeExceptionally(e);
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits while the upload grows faster than half the digest's own rate, until it ends or is given up. The
     * writer does not wake this wait (only finish and abandon do), so it costs one wake-up per check.
     */
    private void waitWhileOutrun(double digestBytesPerMilli) throws InterruptedException {
        long fast = (long) (digestBytesPerMilli * CHECK_MILLIS / 2);
        long seen;
        do {
            seen = written;
            wait(CHECK_MILLIS);
        } while (written - seen > fast && finalSize < 0 && !abandoned && !result.isDone());
    }
}
