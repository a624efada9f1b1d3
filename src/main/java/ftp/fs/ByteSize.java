package ftp.fs;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * Sizes as admins write them ({@code 500K}, {@code 100M}, {@code 2G}, {@code 1048576}, {@code none})
 * and as people read them. Binary multiples: 1K = 1024 bytes. Stateless; any thread.
 */
public final class ByteSize {
    private static final String UNITS = "KMGTP";

    private ByteSize() {}

    /** Parses a size; {@code none} or {@code unlimited} gives an empty value (no limit). */
    public static OptionalLong parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.equals("NONE") || s.equals("UNLIMITED")) {
            return OptionalLong.empty();
        }
        if (s.endsWith("IB")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("B") && s.length() > 1 && !Character.isDigit(s.charAt(s.length() - 2))) {
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("B")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("not a size: " + text);
        }
        int unit = UNITS.indexOf(s.charAt(s.length() - 1));
        String digits = unit >= 0 ? s.substring(0, s.length() - 1).trim() : s;
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 19) {
            throw new IllegalArgumentException("not a size: " + text + " (use e.g. 500K, 100M, 2G or none)");
        }
        try {
            long value = Long.parseLong(digits);
            long factor = 1L << (10 * (unit + 1));
            return OptionalLong.of(Math.multiplyExact(value, factor));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size too large: " + text, e);
        }
    }

    /** Canonical form for files: the largest unit that divides exactly, e.g. {@code 100M}; {@code none} when empty. */
    public static String canonical(OptionalLong bytes) {
        if (bytes.isEmpty()) {
            return "none";
        }
        long v = bytes.getAsLong();
        int unit = -1;
        while (unit < UNITS.length() - 1 && v != 0 && v % 1024 == 0) {
            v /= 1024;
            unit++;
        }
        return unit < 0 ? Long.toString(v) : v + String.valueOf(UNITS.charAt(unit));
    }

    /** Human form with two decimals and binary units labelled as such, e.g. {@code 68.97 MiB}, as the client shows. */
    public static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int unit = -1;
        while (v >= 1024 && unit < UNITS.length() - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.2f %siB", v, UNITS.charAt(unit));
    }
}
