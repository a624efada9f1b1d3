package ftp.server.command;

import ftp.fs.FileEntry;
import ftp.server.MlstFacts;
import ftp.server.MlstFacts.Fact;

import java.time.Instant;
import java.time.LocalDate;

/**
 * How entries look on the wire: {@code ls -l} lines for LIST (what FileZilla and lftp parse) and RFC 3659
 * facts for MLSD/MLST. Pure; any thread.
 *
 * <p>LIST is the busiest reply under load, so lines are appended by hand into a caller's builder: the layout is
 * {@code "%s %3d %-8s %-8s %12d %s %s"} with dates as {@code MMM dd HH:mm} or {@code MMM dd  yyyy} (UTC, English)
 * and MLSD stamps as {@code yyyyMMddHHmmss}, exactly what {@code String.format} and {@code DateTimeFormatter}
 * printed before, at a fraction of their cost.
 */
final class ListingFormat {
    private static final String[] MONTHS =
            {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    private static final long SIX_MONTHS_SECONDS = 182L * 24 * 3600;
    private static final long DAY_SECONDS = 24 * 3600;

    private ListingFormat() {}

    static String ls(FileEntry e, String owner, Instant now) {
        return appendLs(new StringBuilder(80), e, owner, now.getEpochSecond()).toString();
    }

    static StringBuilder appendLs(StringBuilder b, FileEntry e, String owner, long nowSeconds) {
        long t = e.modified().toInstant().getEpochSecond();
        boolean recent = Math.abs(nowSeconds - t) < SIX_MONTHS_SECONDS;
        b.append(e.directory() ? "drwxr-xr-x" : "-rw-r--r--").append("   ").append(e.directory() ? 2 : 1).append(' ');
        padRight(b, owner, 8).append(' ');
        padRight(b, owner, 8).append(' ');
        padLeft(b, e.directory() ? 4096 : e.size(), 12, ' ').append(' ');
        long days = Math.floorDiv(t, DAY_SECONDS);
        int secondOfDay = (int) Math.floorMod(t, DAY_SECONDS);
        LocalDate date = LocalDate.ofEpochDay(days);
        b.append(MONTHS[date.getMonthValue() - 1]).append(' ');
        twoDigits(b, date.getDayOfMonth()).append(' ');
        if (recent) {
            twoDigits(b, secondOfDay / 3600).append(':');
            twoDigits(b, secondOfDay / 60 % 60);
        } else {
            year(b.append(' '), date.getYear());
        }
        return b.append(' ').append(e.name());
    }

    static String facts(FileEntry e, MlstFacts chosen) {
        return appendFacts(new StringBuilder(64), e, chosen).toString();
    }

    /** The {@code chosen} facts of {@code e}, each ended by {@code ;}; nothing when none is chosen. */
    static StringBuilder appendFacts(StringBuilder b, FileEntry e, MlstFacts chosen) {
        if (chosen.has(Fact.TYPE)) {
            b.append("type=").append(e.directory() ? "dir" : "file").append(';');
        }
        if (chosen.has(Fact.SIZE) && !e.directory()) {
            b.append("size=").append(e.size()).append(';');
        }
        if (chosen.has(Fact.MODIFY)) {
            modify(b.append("modify="), e.modified().toInstant().getEpochSecond()).append(';');
        }
        if (chosen.has(Fact.PERM)) {
            b.append("perm=").append(e.directory() ? "flcdmpe" : "adfrw").append(';');
        }
        return b;
    }

    /** The MDTM stamp {@code yyyyMMddHHmmss} in UTC, for MDTM and MLSD/MLST's {@code modify} fact. */
    static StringBuilder modify(StringBuilder b, long epochSecond) {
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, DAY_SECONDS));
        int secondOfDay = (int) Math.floorMod(epochSecond, DAY_SECONDS);
        year(b, date.getYear());
        twoDigits(b, date.getMonthValue());
        twoDigits(b, date.getDayOfMonth());
        twoDigits(b, secondOfDay / 3600);
        twoDigits(b, secondOfDay / 60 % 60);
        return twoDigits(b, secondOfDay % 60);
    }

    /** Pattern letter {@code yyyy}: the year of the era, at least four digits, a plus sign beyond 9999. */
    private static StringBuilder year(StringBuilder b, int prolepticYear) {
        int yearOfEra = prolepticYear >= 1 ? prolepticYear : 1 - prolepticYear;
        if (yearOfEra > 9999) {
            return b.append('+').append(yearOfEra);
        }
        return padLeft(b, yearOfEra, 4, '0');
    }

    private static StringBuilder twoDigits(StringBuilder b, int value) {
        return b.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    /** {@code %-Ns}: longer text is kept whole. */
    private static StringBuilder padRight(StringBuilder b, String s, int width) {
        b.append(s);
        for (int i = s.length(); i < width; i++) {
            b.append(' ');
        }
        return b;
    }

    /** {@code %Nd} with {@code pad} {@code ' '}: longer numbers are kept whole. */
    private static StringBuilder padLeft(StringBuilder b, long value, int width, char pad) {
        for (int i = digits(value); i < width; i++) {
            b.append(pad);
        }
        return b.append(value);
    }

    private static int digits(long value) {
        int n = value < 0 ? 2 : 1;
        for (long v = value / 10; v != 0; v /= 10) {
            n++;
        }
        return n;
    }
}
