package ftp.client;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one-letter flags of a command line ({@code -f}, {@code -r}, together {@code -rf}) and its operands. Flags may
 * come anywhere before {@code --}, after which every word is an operand (a file called {@code -f}); a lone
 * {@code -} is an operand. Immutable; any thread.
 */
record Flags(Set<Character> set, List<String> operands) {

    static Flags of(List<String> args) {
        Set<Character> set = new LinkedHashSet<>();
        List<String> operands = new ArrayList<>();
        boolean ended = false;
        for (String a : args) {
            if (!ended && a.equals("--")) {
                ended = true;
            } else if (!ended && a.length() > 1 && a.charAt(0) == '-') {
                a.substring(1).chars().forEach(c -> set.add((char) c));
            } else {
                operands.add(a);
            }
        }
        return new Flags(Set.copyOf(set), List.copyOf(operands));
    }

    boolean has(char flag) {
        return set.contains(flag);
    }
}
