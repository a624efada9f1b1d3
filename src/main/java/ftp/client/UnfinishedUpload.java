package ftp.client;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One upload the server holds unfinished (from {@code SITE UPLOADS}): the remote path, the bytes it has, and the
 * size announced with ALLO when there was one. Immutable; any thread.
 */
record UnfinishedUpload(String path, long bytes, OptionalLong expected) {

    /**
     * Reads a {@code 211-} reply whose middle lines are {@code " <bytes> <expected-or-?> <path>"}; the path is the
     * rest of the line because it may hold spaces. Lines that do not fit are not uploads (free text) and are skipped.
     */
    static List<UnfinishedUpload> parse(Reply reply) {
        List<UnfinishedUpload> uploads = new ArrayList<>();
        String prefix = reply.code() + "-";
        for (String raw : reply.body()) {
            String line = raw.startsWith(prefix) ? raw.substring(prefix.length()) : raw;
            if (line.startsWith(" ")) {
                line = line.substring(1);
            }
            String[] fields = line.split(" ", 3);
            if (fields.length < 3 || fields[2].isEmpty() || !fields[0].matches("\\d{1,19}")
                    || !fields[1].matches("\\d{1,19}|\\?")) {
                continue;
            }
            OptionalLong expected = fields[1].equals("?") ? OptionalLong.empty()
                    : OptionalLong.of(Long.parseLong(fields[1]));
            uploads.add(new UnfinishedUpload(fields[2], Long.parseLong(fields[0]), expected));
        }
        return uploads;
    }
}
