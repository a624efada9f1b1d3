package ftp.client;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's space as {@code SITE QUOTA} reports it, in bytes: used, limit (empty = unlimited) and free (empty when
 * unlimited and not stated). Immutable; any thread.
 */
record QuotaReport(long used, OptionalLong limit, OptionalLong free) {
    private static final Pattern FIELD =
            Pattern.compile("(?i)\\b(used|limit|free)\\s*[:=]\\s*(\\d{1,19}|none|unlimited)\\b");

    /** Reads lines like {@code used: 123}, {@code limit: none}, {@code free: 456} wherever they are in the reply. */
    static QuotaReport parse(Reply reply) {
        long used = -1;
        OptionalLong limit = OptionalLong.empty();
        OptionalLong free = OptionalLong.empty();
        for (String line : reply.lines()) {
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
                String value = m.group(2);
                OptionalLong number = Character.isDigit(value.charAt(0))
                        ? OptionalLong.of(Long.parseLong(value)) : OptionalLong.empty();
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
        return new QuotaReport(used, limit, free);
    }
}
