package ftp.fs;

import java.util.ArrayList;
import java.util.List;

/**
 * Matches one file name against a shell-style pattern, as {@code mget *.txt} sends it: {@code *} any run,
 * {@code ?} one character, {@code [abc]}, {@code [a-z]}, {@code [!x]} (or {@code [^x]}) one of a set; a
 * {@code [} without its {@code ]} is an ordinary character. Runs in O(pattern × name) at worst with no
 * recursion and no regular expressions (the classic backtrack-to-the-last-star walk), so hostile patterns
 * like {@code a*a*a*a*a*a*b} stay instant. Only the last path segment may be a pattern: the caller lists the
 * parent directory and filters. Stateless; any thread.
 */
public final class GlobMatcher {
    private GlobMatcher() {}

    /** True when {@code text} contains a pattern character. */
    public static boolean isGlob(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0 || text.indexOf('[') >= 0;
    }

    public static boolean matches(String pattern, String name) {
        List<Token> tokens = compile(pattern);
        int[] text = name.codePoints().toArray();
        int t = 0;
        int n = 0;
        int starToken = -1;
        int starText = 0;
        while (n < text.length) {
            if (t < tokens.size() && tokens.get(t).star) {
                starToken = t++;
                starText = n;
            } else if (t < tokens.size() && tokens.get(t).accepts(text[n])) {
                t++;
                n++;
            } else if (starToken >= 0) {
                // Let the last star swallow one more character and retry what follows it.
                t = starToken + 1;
                n = ++starText;
            } else {
                return false;
            }
        }
        while (t < tokens.size() && tokens.get(t).star) {
            t++;
        }
        return t == tokens.size();
    }

    /**
     * One pattern element: a star, or a set of code points given as sorted inclusive ranges (a literal is a
     * one-point range; {@code ?} is every code point).
     */
    private static final class Token {
        final boolean star;
        final boolean negated;
        final int[] ranges;

        Token(boolean star, boolean negated, int[] ranges) {
            this.star = star;
            this.negated = negated;
            this.ranges = ranges;
        }

        boolean accepts(int c) {
            boolean inside = false;
            for (int i = 0; i < ranges.length && !inside; i += 2) {
                inside = c >= ranges[i] && c <= ranges[i + 1];
            }
            return inside != negated;
        }
    }

    private static List<Token> compile(String pattern) {
        int[] p = pattern.codePoints().toArray();
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < p.length) {
            int c = p[i];
            if (c == '*') {
                if (tokens.isEmpty() || !tokens.get(tokens.size() - 1).star) {
                    tokens.add(new Token(true, false, new int[0]));
                }
                i++;
            } else if (c == '?') {
                tokens.add(new Token(false, false, new int[] {0, Character.MAX_CODE_POINT}));
                i++;
            } else if (c == '[' && classEnd(p, i) > 0) {
                int end = classEnd(p, i);
                tokens.add(characterClass(p, i + 1, end));
                i = end + 1;
            } else {
                tokens.add(new Token(false, false, new int[] {c, c}));
                i++;
            }
        }
        return tokens;
    }

    /** Index of the {@code ]} closing the class opened at {@code open}, or -1 when there is none. */
    private static int classEnd(int[] p, int open) {
        int i = open + 1;
        if (i < p.length && (p[i] == '!' || p[i] == '^')) {
            i++;
        }
        if (i < p.length && p[i] == ']') {
            i++;  // a ']' first in the set is a member, not the end
        }
        while (i < p.length && p[i] != ']') {
            i++;
        }
        return i < p.length ? i : -1;
    }

    private static Token characterClass(int[] p, int from, int end) {
        boolean negated = from < end && (p[from] == '!' || p[from] == '^');
        int i = negated ? from + 1 : from;
        List<Integer> ranges = new ArrayList<>();
        while (i < end) {
            int low = p[i];
            int high = low;
            if (i + 2 < end && p[i + 1] == '-') {
                high = p[i + 2];
                i += 3;
            } else {
                i++;
            }
            ranges.add(Math.min(low, high));
            ranges.add(Math.max(low, high));
        }
        return new Token(false, negated, ranges.stream().mapToInt(Integer::intValue).toArray());
    }
}
