package ftp.client;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's space as {@code SITE QUOTA} reports it: bytes used, limit (empty = unlimited) and free (empty when
 * unlimited and not stated), and the files and folders used and their limit (empty when the server does not
 * say, or, for the limit, when there is none). Immutable; any thread.
 */
record QuotaReport(long used, OptionalLong limit, OptionalLong free, OptionalLong files, OptionalLong fileLimit) {
    private static final Pattern FIELD =
            Pattern.compile("(?i)\\b(used|limit|free)\\s*[:=]\\s*(\\d{1,19}|none|unlimited)\\b");
    /** {@code files: 12 of 100000}, or {@code files: 12} when there is no limit. */
    private static final Pattern FILES =
            Pattern.compile("(?i)\\bfiles\\s*[:=]\\s*(\\d{1,19})(?:\\s+of\\s+(\\d{1,19}|none|unlimited))?\\b");

    /**
     * Reads lines like {@code used: 123}, {@code limit: none}, {@code free: 456} and {@code files: 7 of 100}
     * wherever they are in the reply.
     */
    static QuotaReport parse(Reply reply) {
        long used = -1;
        OptionalLong limit = OptionalLong.empty();
        OptionalLong free = OptionalLong.empty();
        OptionalLong files = OptionalLong.empty();
        OptionalLong fileLimit = OptionalLong.empty();
        for (String line : reply.lines()) {
            Matcher f = FILES.matcher(line);
            if (f.find()) {
                files = OptionalLong.of(Long.parseLong(f.group(1)));
                fileLimit = number(f.group(2));
                continue;
            }
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
                OptionalLong number = number(m.group(2));
                switch (m.group(1).toLowerCase(Locale.ROOT)) {
                    case "used" -> used = number.orElse(0);
                    case "limit" -> limit = number;
                    default -> free = number;
                }
            }
        }
        if (used < 0) {
            throw new IllegalArgumentException("no usage in: " + reply);
        }
        if (free.isEmpty() && limit.isPresent()) {
            free = OptionalLong.of(Math.max(0, limit.getAsLong() - used));
        }
        return new QuotaReport(used, limit, free, files, fileLimit);
    }

    private static OptionalLong number(String value) {
        return value != null && Character.isDigit(value.charAt(0))
                ? OptionalLong.of(Long.parseLong(value)) : OptionalLong.empty();
    }
}
