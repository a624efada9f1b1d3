package ftp.client;

import java.util.Locale;

/**
 * How the client writes sizes, rates and durations for people: binary multiples labelled as such ({@code 68.97 MiB},
 * {@code 12.3 MiB/s}; the seed's {@code 68.97MB} meant MiB too, and so do quotas like {@code 100M}), {@code 01:05} for
 * times. Stateless; any thread.
 */
final class SizeFormat {
    private static final String UNITS = "KMGTPE";

    private SizeFormat() {}

    /** {@code 512 B}, {@code 1.00 KiB}, {@code 68.97 MiB}. */
    static String size(long bytes) {
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

    /** {@code 0.0 B/s}, {@code 512.0 KiB/s}, {@code 12.3 MiB/s}. */
    static String rate(double bytesPerSecond) {
        double v = Math.max(0, bytesPerSecond);
        int unit = -1;
        while (v >= 1024 && unit < UNITS.length() - 1) {
            v /= 1024;
            unit++;
        }
        String suffix = unit < 0 ? "B/s" : UNITS.charAt(unit) + "iB/s";
        return String.format(Locale.ROOT, "%.1f %s", v, suffix);
    }

    /** How far {@code done} of {@code total} is, in whole percent rounded down: {@code 38%}. */
    static String percent(long done, long total) {
        return total <= 0 ? "100%" : (done * 100 / total) + "%";
    }

    /** {@code mm:ss}, or {@code h:mm:ss} from an hour on. */
    static String duration(long seconds) {
        long s = Math.max(0, seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
}
