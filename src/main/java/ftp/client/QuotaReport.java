package ftp.client;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's space as {@code SITE QUOTA} reports it, in bytes: used, limit (empty = unlimited) and free (empty when
 * unlimited and not stated); and, when the server counts them, the files and folders used and their limit.
 * Immutable; any thread.
 *
 * @param files      files and folders used; empty when the server does not say
 * @param filesLimit their limit; empty when unlimited or not said
 */
record QuotaReport(long used, OptionalLong limit, OptionalLong free, OptionalLong files, OptionalLong filesLimit) {
    /** {@code used: 123}, {@code limit: none}, {@code free: 456}, but not the file count's {@code files used: 3}. */
    private static final Pattern BYTES =
            Pattern.compile("(?i)(?<!files\\s{1,3})\\b(used|limit|free)\\s*[:=]\\s*(\\d{1,19}|none|unlimited)\\b");
    /**
     * The file count in any of the forms servers write it: {@code files: 12}, {@code files used: 12},
     * {@code files: 12/1000}, {@code files: 12 of 1000}, {@code files limit: 1000}.
     */
    private static final Pattern FILES = Pattern.compile("(?i)\\bfiles(?:\\s{1,3}(used|limit))?\\s*[:=]\\s*"
            + "(\\d{1,19}|none|unlimited)(?:\\s*(?:/|of)\\s*(\\d{1,19}|none|unlimited))?\\b");

    /** Reads the fields wherever they are in the reply; other text (a heading, what a server adds) is skipped. */
    static QuotaReport parse(Reply reply) {
        long used = -1;
        OptionalLong limit = OptionalLong.empty();
        OptionalLong free = OptionalLong.empty();
        OptionalLong files = OptionalLong.empty();
        OptionalLong filesLimit = OptionalLong.empty();
        for (String line : reply.lines()) {
            Matcher f = FILES.matcher(line);
            while (f.find()) {
                if ("limit".equalsIgnoreCase(f.group(1))) {
                    filesLimit = number(f.group(2));
                } else {
                    files = number(f.group(2));
                    if (f.group(3) != null) {
                        filesLimit = number(f.group(3));
                    }
                }
            }
            Matcher b = BYTES.matcher(line);
            while (b.find()) {
                OptionalLong number = number(b.group(2));
                switch (b.group(1).toLowerCase(Locale.ROOT)) {
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
        return new QuotaReport(used, limit, free, files, filesLimit);
    }

    private static OptionalLong number(String value) {
        return Character.isDigit(value.charAt(0)) ? OptionalLong.of(Long.parseLong(value)) : OptionalLong.empty();
    }
}
