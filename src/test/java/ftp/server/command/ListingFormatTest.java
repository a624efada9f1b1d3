package ftp.server.command;

import ftp.fs.FileEntry;
import ftp.server.MlstFacts;
import org.junit.jupiter.api.Test;

import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ListingFormatTest {
    private static final Instant NOW = Instant.parse("2024-03-15T12:00:00Z");
    private static final long DAY = 24 * 3600;

    private static FileEntry file(String name, long size, String modified) {
        return new FileEntry(name, false, size, FileTime.from(Instant.parse(modified)), false);
    }

    private static FileEntry dir(String name, String modified) {
        return new FileEntry(name, true, 123, FileTime.from(Instant.parse(modified)), false);
    }

    @Test
    void lsLinesKeepTheLayoutClientsParse() {
        assertThat(ListingFormat.ls(file("report.txt", 0, "2024-03-05T09:07:30Z"), "alice", NOW))
                .isEqualTo("-rw-r--r--   1 alice    alice               0 Mar 05 09:07 report.txt");
        assertThat(ListingFormat.ls(dir("photos", "2019-01-05T23:59:59Z"), "bob", NOW))
                .isEqualTo("drwxr-xr-x   2 bob      bob              4096 Jan 05  2019 photos");
        assertThat(ListingFormat.ls(file("page.bin", 4096, "2023-12-24T00:00:00Z"), "egon", NOW))
                .isEqualTo("-rw-r--r--   1 egon     egon             4096 Dec 24 00:00 page.bin");
        assertThat(ListingFormat.ls(file("big.iso", 10_000_000_000_000L, "2024-03-15T11:59:00Z"), "alice", NOW))
                .isEqualTo("-rw-r--r--   1 alice    alice    10000000000000 Mar 15 11:59 big.iso");
    }

    @Test
    void lsKeepsLongOwnerNamesWhole() {
        assertThat(ListingFormat.ls(file("a", 7, "2024-03-01T08:30:00Z"), "maximilian", NOW))
                .isEqualTo("-rw-r--r--   1 maximilian maximilian            7 Mar 01 08:30 a");
        assertThat(ListingFormat.ls(file("a", 7, "2024-03-01T08:30:00Z"), "exactly8", NOW))
                .isEqualTo("-rw-r--r--   1 exactly8 exactly8            7 Mar 01 08:30 a");
    }

    @Test
    void lsShowsTheYearOutsideSixMonthsEitherWay() {
        assertThat(ListingFormat.ls(file("future", 1, "2025-01-01T00:00:00Z"), "alice", NOW))
                .isEqualTo("-rw-r--r--   1 alice    alice               1 Jan 01  2025 future");
        Instant edge = NOW.minusSeconds(182 * DAY);
        assertThat(ListingFormat.ls(new FileEntry("x", false, 1, FileTime.from(edge.plusSeconds(1)), false), "a", NOW))
                .isEqualTo("-rw-r--r--   1 a        a                   1 Sep 15 12:00 x");
        assertThat(ListingFormat.ls(new FileEntry("x", false, 1, FileTime.from(edge), false), "a", NOW))
                .isEqualTo("-rw-r--r--   1 a        a                   1 Sep 15  2023 x");
        assertThat(ListingFormat.ls(file("old", 1, "0999-07-04T00:00:00Z"), "a", NOW))
                .isEqualTo("-rw-r--r--   1 a        a                   1 Jul 04  0999 old");
    }

    @Test
    void lsKeepsNonAsciiNames() {
        assertThat(ListingFormat.ls(file("Grüße 日本.txt", 12, "2024-02-29T23:05:00Z"), "alice", NOW))
                .isEqualTo("-rw-r--r--   1 alice    alice              12 Feb 29 23:05 Grüße 日本.txt");
    }

    private static String allFacts(FileEntry e) {
        return ListingFormat.facts(e, MlstFacts.ALL);
    }

    @Test
    void factsAreRfc3659WithSecondsInUtc() {
        assertThat(allFacts(file("report.txt", 0, "2024-03-05T09:07:30.999Z")))
                .isEqualTo("type=file;size=0;modify=20240305090730;perm=adfrw;");
        assertThat(allFacts(dir("photos", "2019-01-05T23:59:59Z")))
                .isEqualTo("type=dir;modify=20190105235959;perm=flcdmpe;");
        assertThat(allFacts(file("big", 10_000_000_000_000L, "1969-12-31T23:59:59.500Z")))
                .isEqualTo("type=file;size=10000000000000;modify=19691231235959;perm=adfrw;");
    }

    /** The formatting the hand-written code replaced, kept here as the reference it must match. */
    private static final DateTimeFormatter RECENT =
            DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter OLD =
            DateTimeFormatter.ofPattern("MMM dd  yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MDTM = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    private static String referenceLs(FileEntry e, String owner, Instant now) {
        Instant t = e.modified().toInstant();
        boolean recent = Math.abs(now.getEpochSecond() - t.getEpochSecond()) < 182 * DAY;
        return String.format(Locale.ROOT, "%s %3d %-8s %-8s %12d %s %s",
                e.directory() ? "drwxr-xr-x" : "-rw-r--r--", e.directory() ? 2 : 1, owner, owner,
                e.directory() ? 4096 : e.size(), (recent ? RECENT : OLD).format(t), e.name());
    }

    private static String referenceFacts(FileEntry e) {
        return "type=" + (e.directory() ? "dir" : "file") + ";" + (e.directory() ? "" : "size=" + e.size() + ";")
                + "modify=" + MDTM.format(e.modified().toInstant()) + ";perm=" + (e.directory() ? "flcdmpe" : "adfrw") + ";";
    }

    @Test
    void matchesStringFormatForRandomEntries() {
        Random random = new Random(20240315);
        String[] names = {"a", "notes.txt", "Grüße", "日本語.pdf", "with space", "emoji \uD83D\uDE00", ""};
        long year1 = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long year12000 = Instant.parse("+12000-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 5000; i++) {
            Instant now = Instant.ofEpochSecond(NOW.getEpochSecond() + random.nextInt(1 << 30) - (1 << 29));
            long seconds = switch (i % 4) {
                case 0 -> now.getEpochSecond() + random.nextInt((int) (400 * DAY)) - 200 * DAY;
                case 1 -> now.getEpochSecond() + (random.nextBoolean() ? 1 : -1) * (182 * DAY + random.nextInt(3) - 1);
                case 2 -> year1 - 200 * 366 * DAY + (long) (random.nextDouble() * (year12000 - year1 + 200 * 366 * DAY));
                default -> random.nextInt() * 4L;
            };
            FileTime modified = FileTime.from(Instant.ofEpochSecond(seconds, random.nextInt(1_000_000_000)));
            long size = switch (i % 3) {
                case 0 -> random.nextInt(100_000);
                case 1 -> random.nextLong() >>> random.nextInt(64);
                default -> (long) Math.pow(10, random.nextInt(19));
            };
            String owner = "u".repeat(random.nextInt(12) + 1);
            FileEntry e = new FileEntry(names[random.nextInt(names.length)] + i, random.nextInt(5) == 0, size,
                    modified, false);
            assertThat(ListingFormat.ls(e, owner, now)).as("entry %s at %s", e, now).isEqualTo(referenceLs(e, owner, now));
            assertThat(allFacts(e)).as("entry %s", e).isEqualTo(referenceFacts(e));
        }
    }
}
