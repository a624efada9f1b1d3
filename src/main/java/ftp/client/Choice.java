package ftp.client;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Picks an item of a numbered list (1-based) from what the user typed. Stateless; any thread. */
final class Choice {
    private Choice() {}

    static <T> Optional<T> pick(List<T> items, String typed) {
        if (!typed.matches("\\d{1,9}")) {
            return Optional.empty();
        }
        int n = Integer.parseInt(typed);
        return n >= 1 && n <= items.size() ? Optional.of(items.get(n - 1)) : Optional.empty();
    }

    /**
     * The item {@code typed} designates: the one whose remote path is {@code resolved} (what was typed, resolved),
     * else the only one whose file name is {@code typed}, else the one numbered {@code typed}; empty when none is,
     * or several are.
     */
    static <T> Optional<T> byNameOrNumber(List<T> items, String typed, String resolved, Function<T, String> path) {
        List<T> exact = items.stream().filter(i -> path.apply(i).equals(resolved)).toList();
        if (exact.size() == 1) {
            return Optional.of(exact.get(0));
        }
        List<T> named = items.stream().filter(i -> RemotePath.name(path.apply(i)).equals(typed)).toList();
        if (named.size() == 1) {
            return Optional.of(named.get(0));
        }
        return exact.isEmpty() && named.isEmpty() ? pick(items, typed) : Optional.empty();
    }
}
