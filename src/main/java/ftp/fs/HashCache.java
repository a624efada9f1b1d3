package ftp.fs;

import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Recently computed MD5 digests of whole files, so HASH right after an upload (or a repeated HASH) needs
 * no re-reading. An answer may still be in progress (an upload's {@link FollowingDigest}): HASH then waits
 * for what is left instead of reading the file again. One answer per user and virtual path, valid for the
 * size, modification time (nanoseconds where the file system keeps them) and file key (device and inode) it
 * was computed for, so a file that changed simply misses, even when another node sharing the home root changed
 * it (that node's uploads never reach this cache, but they change the version). An answer still in
 * progress that nobody can ask for any more (the file was deleted, renamed, replaced, or the answer pushed
 * out beyond the capacity, least recently used first) is cancelled, which stops its digest. Digests of byte
 * ranges are not kept. Thread-safe.
 */
public final class HashCache {
    private record Key(String user, String path) {}

    private record Answer(long size, FileTime modified, Object fileKey, CompletableFuture<String> hex) {
        void cancelIfRunning() {
            hex.cancel(false);  // no-op once done
        }
    }

    private final Map<Key, Answer> answers;

    public HashCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.answers = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Answer> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                eldest.getValue().cancelIfRunning();
                return true;
            }
        };
    }

    /** The hex digest, done or coming, for exactly this version of the file, if any. */
    public Optional<CompletableFuture<String>> lookup(String user, String vpath, long size, FileTime modified,
            Object fileKey) {
        Answer a;
        synchronized (answers) {
            a = answers.get(new Key(user, vpath));
        }
        return a != null && a.size() == size && a.modified().equals(modified) && Objects.equals(a.fileKey(), fileKey)
                ? Optional.of(a.hex()) : Optional.empty();
    }

    public void store(String user, String vpath, long size, FileTime modified, Object fileKey, String hex) {
        storePending(user, vpath, size, modified, fileKey, CompletableFuture.completedFuture(hex));
    }

    /**
     * Stores an answer still being computed, replacing (and cancelling) any for an older version of the
     * file; a failed one removes itself, so the next HASH reads the file.
     */
    public void storePending(String user, String vpath, long size, FileTime modified, Object fileKey,
            CompletableFuture<String> hex) {
        Key key = new Key(user, vpath);
        Answer answer = new Answer(size, modified, fileKey, hex);
        Answer previous;
        synchronized (answers) {
            previous = answers.put(key, answer);
        }
        if (previous != null && previous.hex() != hex) {
            previous.cancelIfRunning();
        }
        hex.whenComplete((done, failure) -> {
            if (failure != null) {
                synchronized (answers) {
                    answers.remove(key, answer);
                }
            }
        });
    }

    /** The file at {@code vpath} is gone or about to change: drop its answer, stopping a digest in progress. */
    public void forget(String user, String vpath) {
        Answer gone;
        synchronized (answers) {
            gone = answers.remove(new Key(user, vpath));
        }
        if (gone != null) {
            gone.cancelIfRunning();
        }
    }
}
