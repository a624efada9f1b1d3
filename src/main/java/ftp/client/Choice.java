package ftp.client;

import java.util.List;
import java.util.Optional;

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
}
