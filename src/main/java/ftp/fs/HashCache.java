package ftp.fs;

import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Recently computed MD5 digests of whole files, so HASH right after an upload (or a repeated HASH) needs
 * no re-reading. An answer is keyed by user, virtual path, size and modification time, so a file that
 * changed simply misses. Least recently used answers go first beyond the capacity. Digests of byte ranges
 * are not kept. Thread-safe.
 */
public final class HashCache {
    private record Key(String user, String path, long size, FileTime modified) {}

    private final Map<Key, String> answers;

    public HashCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.answers = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, String> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The hex digest stored for exactly this version of the file, if any. */
    public Optional<String> lookup(String user, String vpath, long size, FileTime modified) {
        synchronized (answers) {
            return Optional.ofNullable(answers.get(new Key(user, vpath, size, modified)));
        }
    }

    public void store(String user, String vpath, long size, FileTime modified, String hex) {
        synchronized (answers) {
            answers.put(new Key(user, vpath, size, modified), hex);
        }
    }
}
