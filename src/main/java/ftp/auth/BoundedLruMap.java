package ftp.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that forgets its least recently used entry once it holds more than {@code capacity}, so tables
 * keyed by what strangers send (addresses, user names) stay bounded. Not thread-safe: owners synchronize.
 */
final class BoundedLruMap<K, V> extends LinkedHashMap<K, V> {
    private static final long serialVersionUID = 1L;
    private final int capacity;

    BoundedLruMap(int capacity) {
        super(16, 0.75f, true);
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
    }
}
