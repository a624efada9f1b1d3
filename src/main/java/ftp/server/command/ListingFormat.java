package ftp.server.command;

import ftp.fs.FileEntry;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How entries look on the wire: {@code ls -l} lines for LIST (what FileZilla and lftp parse) and RFC 3659
 * facts for MLSD/MLST. Pure; any thread.
 */
final class ListingFormat {
    private static final DateTimeFormatter RECENT =
            DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter OLD =
            DateTimeFormatter.ofPattern("MMM dd  yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final long SIX_MONTHS_SECONDS = 182L * 24 * 3600;

    private ListingFormat() {}

    static String ls(FileEntry e, String owner, Instant now) {
        Instant t = e.modified().toInstant();
        boolean recent = Math.abs(now.getEpochSecond() - t.getEpochSecond()) < SIX_MONTHS_SECONDS;
        String mode = e.directory() ? "drwxr-xr-x" : "-rw-r--r--";
        return String.format(Locale.ROOT, "%s %3d %-8s %-8s %12d %s %s",
                mode, e.directory() ? 2 : 1, owner, owner, e.directory() ? 4096 : e.size(),
                (recent ? RECENT : OLD).format(t), e.name());
    }

    static String facts(FileEntry e) {
        StringBuilder b = new StringBuilder(64);
        b.append("type=").append(e.directory() ? "dir" : "file").append(';');
        if (!e.directory()) {
            b.append("size=").append(e.size()).append(';');
        }
        b.append("modify=").append(FileCommands.MDTM.format(e.modified().toInstant())).append(';');
        b.append("perm=").append(e.directory() ? "flcdmpe" : "adfrw").append(';');
        return b.toString();
    }
}
