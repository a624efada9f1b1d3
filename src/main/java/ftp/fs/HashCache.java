package ftp.fs;

import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Recently computed MD5 digests of whole files, so HASH right after an upload (or a repeated HASH) needs
 * no re-reading. An answer may still be in progress (an upload's {@link FollowingDigest}): HASH then waits
 * for what is left instead of reading the file again. An answer is keyed by user, virtual path, size and modification time, so a file that
 * changed simply misses. Least recently used answers go first beyond the capacity. Digests of byte ranges
 * are not kept. Thread-safe.
 */
public final class HashCache {
    private record Key(String user, String path, long size, FileTime modified) {}

    private final Map<Key, CompletableFuture<String>> answers;

    public HashCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.answers = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, CompletableFuture<String>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The hex digest, done or coming, for exactly this version of the file, if any. */
    public Optional<CompletableFuture<String>> lookup(String user, String vpath, long size, FileTime modified) {
        synchronized (answers) {
            return Optional.ofNullable(answers.get(new Key(user, vpath, size, modified)));
        }
    }

    public void store(String user, String vpath, long size, FileTime modified, String hex) {
        storePending(user, vpath, size, modified, CompletableFuture.completedFuture(hex));
    }

    /** Stores an answer still being computed; a failed one removes itself, so the next HASH reads the file. */
    public void storePending(String user, String vpath, long size, FileTime modified, CompletableFuture<String> hex) {
        Key key = new Key(user, vpath, size, modified);
        synchronized (answers) {
            answers.put(key, hex);
        }
        hex.whenComplete((done, failure) -> {
            if (failure != null) {
                synchronized (answers) {
                    answers.remove(key, hex);
                }
            }
        });
    }
}
