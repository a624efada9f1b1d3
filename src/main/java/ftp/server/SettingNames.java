package ftp.server;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Finds the setting an admin most likely meant when a key is misspelt ({@code client.max} for
 * {@code clients.max}), by edit distance. Stateless; any thread.
 */
final class SettingNames {
    /** Farther than this, a suggestion is more likely to mislead than to help. */
    private static final int MAX_EDITS = 3;

    private SettingNames() {}

    static Optional<String> nearest(String typed, Collection<String> known) {
        return known.stream()
                .filter(k -> distance(typed, k) <= MAX_EDITS)
                .min(Comparator.<String>comparingInt(k -> distance(typed, k)).thenComparing(Comparator.naturalOrder()));
    }

    /** Levenshtein distance: insertions, deletions and substitutions of one character each. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
