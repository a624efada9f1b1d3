package ftp.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;

/**
 * The MD5 of a file that is being written, computed on a thread of its own that reads what the writer has
 * already stored (from the page cache) and follows it. The writer never waits for MD5, so an upload runs at
 * wire speed; whoever needs the digest waits only for what is left ({@link #result()}). Digesting the stored
 * bytes from offset 0 also makes a resumed file's digest the whole file's without a pass before the upload.
 * The writer calls {@link #advance} and then {@link #finish} or {@link #abandon}; {@link #run} runs on a
 * digest thread. Thread-safe.
 */
public final class FollowingDigest implements Runnable {
    private static final int CHUNK = 1 << 20;
    /** Digest threads are reused: one buffer each, not one allocation per upload. */
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));

    private final FileChannel file;
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private long written;      // guarded by this: bytes [0, written) are stored and may be read
    private long finalSize = -1; // guarded by this: set by finish
    private boolean abandoned; // guarded by this

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

    /** Writer: bytes up to {@code position} are stored. */
    public synchronized void advance(long position) {
        if (position > written) {
            written = position;
            notifyAll();
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

    @Override
    public void run() {
        try (FileChannel in = file) {
            MessageDigest md5 = Md5.newDigest();
            ByteBuffer buffer = BUFFER.get();
            long position = 0;
            while (true) {
                long limit;
                synchronized (this) {
                    while (position >= written && finalSize < 0 && !abandoned) {
                        wait();
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
                buffer.clear().limit((int) Math.min(CHUNK, limit - position));
                int n = in.read(buffer, position);
                if (n < 0) {
                    throw new IOException("file shorter than written: " + position);
                }
                buffer.flip();
                md5.update(buffer);
                position += n;
            }
            result.complete(Md5.hex(md5.digest()));
        } catch (IOException | RuntimeException e) {
            result.completeExceptionally(e);
        } catch (InterruptedException e) {
            result.completeExceptionally(e);
            Thread.currentThread().interrupt();
        }
    }
}
