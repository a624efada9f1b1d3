package ftp.client;

import java.util.Locale;
import java.util.Optional;

/**
 * One entry of a machine listing (MLSD, RFC 3659): its name, whether it is a folder, and a file's size (-1 when
 * not given). Immutable; any thread.
 */
record RemoteEntry(String name, boolean directory, long size) {

    /**
     * Reads {@code fact=value;fact=value; name}; empty for the listed folder itself ({@code type=cdir}), its parent
     * ({@code type=pdir}), links and devices, and for lines that are not entries.
     */
    static Optional<RemoteEntry> parse(String line) {
        int space = line.indexOf(' ');
        if (space <= 0 || space == line.length() - 1) {
            return Optional.empty();
        }
        String name = line.substring(space + 1);
        String type = "";
        long size = -1;
        for (String fact : line.substring(0, space).split(";")) {
            int equals = fact.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String key = fact.substring(0, equals).toLowerCase(Locale.ROOT);
            String value = fact.substring(equals + 1);
            if (key.equals("type")) {
                type = value.toLowerCase(Locale.ROOT);
            } else if (key.equals("size") && value.matches("\\d{1,19}")) {
                size = Long.parseLong(value);
            }
        }
        if (name.contains("/") || name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        return switch (type) {
            case "file" -> Optional.of(new RemoteEntry(name, false, size));
            case "dir" -> Optional.of(new RemoteEntry(name, true, -1));
            default -> Optional.empty();
        };
    }
}
