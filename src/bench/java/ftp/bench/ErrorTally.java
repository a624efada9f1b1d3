package ftp.bench;

import java.util.ArrayList;
import java.util.List;

/** Counts a scenario's failed operations and keeps the first few messages. Any thread. */
final class ErrorTally {
    private static final int KEEP = 3;

    private final List<String> first = new ArrayList<>();
    private long count;

    synchronized void add(String what, Exception e) {
        count++;
        if (first.size() < KEEP) {
            first.add(what + ": " + e);
        }
    }

    synchronized long count() {
        return count;
    }

    synchronized List<String> first() {
        return List.copyOf(first);
    }

    void into(JsonLine j) {
        j.put("errors", count()).put("first_errors", first());
    }
}
