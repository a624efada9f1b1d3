package ftp.server;

import static ftp.server.AttackEvidence.attempt;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the jail through path arguments (issue 7, "Paths and authorization"): traversal in every
 * spelling, the sibling-prefix home, symbolic links out of the home, rename tricks, other users' files and
 * escapes smuggled in a pipelined write. Each case checks the disk outside the home afterwards, not only the
 * reply. Writes aim only at files the test made outside the home, never at system files.
 */
class AttackPathsTest {
    private static final String OUTSIDE_TEXT = "outside the home: must never reach a client\n";

    private static TestServer server;
    private static Path base;
    private static Path home;
    private static Path outside;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start();
        base = server.base().toRealPath();
        home = Files.createDirectories(server.home("alice")).toRealPath();
        outside = Files.createDirectories(base.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), OUTSIDE_TEXT);
        Files.createDirectories(outside.resolve("dir"));
        Files.writeString(outside.resolve("dir/file"), OUTSIDE_TEXT);
        server.write("alice", "sub/inside.txt", "inside\n".getBytes(StandardCharsets.UTF_8));
        server.write("bob", "secret.txt", "bob's\n".getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(server.home("bob").resolve("dir"));
        // The sibling whose name starts with "alice": a string prefix test would take it for alice's.
        server.write("alice2", "secret.txt", OUTSIDE_TEXT.getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ControlClient alice() {
        return ControlClient.loggedIn(server.port(), "alice", "secret");
    }

    /** Every file below {@code dir} with its content, to show nothing outside the home changed. */
    private static List<String> snapshot(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (var files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String content = Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        ? Files.readString(p) + "@" + Files.getLastModifiedTime(p) : "";
                out.add(dir.relativize(p) + "=" + content);
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void traversalInEverySpellingIsRefusedAlikeWhetherTheTargetExistsOrNot() throws IOException {
        // The real file is base/outside/secret.txt; alice's home is base/home/alice.
        List<Function<String, String>> spellings = List.of(
                t -> "../../outside/" + t,
                t -> "../../../../../../../../../../outside/" + t,
                t -> "/../../outside/" + t,
                t -> "sub/../../../outside/" + t,
                t -> "./.././../outside/" + t,
                t -> "..//..//outside//" + t,
                t -> "..\\..\\outside\\" + t,
                t -> "%2e%2e/%2e%2e/outside/" + t,
                t -> "%2e%2e%2f%2e%2e%2foutside%2f" + t,
                t -> "..%c0%af..%c0%afoutside%c0%af" + t,
                t -> "\uff0e\uff0e\uff0f\uff0e\uff0e\uff0foutside\uff0f" + t,
                t -> "\u2025/\u2025/outside/" + t,
                t -> "../../outside/" + t + "\u0000.txt",
                t -> "~/../../outside/" + t,
                t -> base.resolve("outside").resolve(t).toString(),
                t -> "../../outside/" + "x".repeat(300) + "/" + t,
                t -> "../".repeat(1700) + "outside/" + t);
        List<String> reads = List.of("SIZE", "MDTM", "CWD", "DELE", "RMD", "RNFR", "MLST", "HASH", "XMD5", "STAT",
                "RETR");
        // Creating verbs may succeed when a spelling is just an odd name: then it must land inside the home.
        List<String> creates = List.of("MKD", "STOR", "APPE");
        List<String> before = snapshot(outside);
        List<String> homeBefore = names(home);
        try (ControlClient c = alice()) {
            int refusals = 0;
            for (Function<String, String> spelling : spellings) {
                for (String verb : concat(reads, creates)) {
                    String existing = ask(c, verb, spelling.apply("secret.txt"));
                    String missing = ask(c, verb, spelling.apply("no-such-file.txt"));
                    String where = verb + " " + printable(spelling.apply("secret.txt"));
                    assertThat(existing.replace("secret.txt", "T"))
                            .as(where + ": the same reply whether the target exists or not")
                            .isEqualTo(missing.replace("no-such-file.txt", "T"));
                    assertThat(existing).as(where).doesNotContain(base.toString());
                    if (reads.contains(verb)) {
                        assertThat(existing).as(where).matches("55[0-9] .*");
                        refusals++;
                    }
                }
                assertThat(c.command("PWD")).as("the session keeps working").isEqualTo(
                        "257 \"/\" is the current directory.");
                removeAllBut(home, homeBefore); // what the creating verbs made, all of it inside the home
            }
            assertThat(refusals).isEqualTo(spellings.size() * reads.size());
            // The same commands work inside the home, so the refusals above are the jail's doing.
            assertThat(c.command("SIZE sub/inside.txt")).isEqualTo("213 7");
            assertThat(c.command("SIZE sub/../../../sub/inside.txt")).isEqualTo("213 7");
        }
        assertThat(snapshot(outside)).as("nothing outside the home changed").isEqualTo(before);
        assertThat(names(base)).containsExactlyInAnyOrder("conf", "home", "log", "outside");
        assertThat(names(base.resolve("home"))).containsExactlyInAnyOrder("alice", "alice2", "bob");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static List<String> names(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static void removeAllBut(Path dir, List<String> keep) throws IOException {
        try (var entries = Files.list(dir)) {
            for (Path p : entries.filter(p -> !keep.contains(p.getFileName().toString())).toList()) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    try (var inside = Files.walk(p)) {
                        for (Path q : inside.sorted(java.util.Comparator.reverseOrder()).toList()) {
                            Files.delete(q);
                        }
                    }
                } else {
                    Files.delete(p);
                }
            }
        }
    }

    /** One attempt with a path argument; data commands get a passive connection. Returns the refusal. */
    private static String ask(ControlClient c, String verb, String path) {
        if (verb.equals("RETR") || verb.equals("STOR") || verb.equals("APPE")) {
            byte[] upload = verb.equals("RETR") ? null : "pwned\n".getBytes(StandardCharsets.UTF_8);
            return attempt(c, verb + " " + path, upload).replies();
        }
        return c.command(verb + " " + path);
    }

    private static String printable(String s) {
        StringBuilder escaped = new StringBuilder();
        s.chars().forEach(ch -> escaped.append(ch < 0x20 || ch >= 0x7f ? String.format("\\u%04x", ch) : (char) ch));
        String shown = escaped.toString();
        return shown.length() > 80 ? shown.substring(0, 80) + "..." : shown;
    }

    @Test
    void aSiblingHomeWhoseNameExtendsTheHomesNameIsOutside() throws IOException {
        Path sibling = server.home("alice2").toRealPath();
        Files.createSymbolicLink(home.resolve("sib-dir"), sibling);
        Files.createSymbolicLink(home.resolve("sib-file"), sibling.resolve("secret.txt"));
        Files.createSymbolicLink(home.resolve("sib-rel"), Path.of("../alice2/secret.txt"));
        Files.createSymbolicLink(home.resolve("sib-text"), Path.of(home + "2/secret.txt"));
        try (ControlClient c = alice()) {
            for (String link : List.of("sib-file", "sib-rel", "sib-text", "sib-dir/secret.txt")) {
                assertThat(c.command("SIZE " + link)).as(link).startsWith("550");
                assertThat(c.command("HASH " + link)).as(link).startsWith("550");
                AttackEvidence.Attempt retr = attempt(c, "RETR " + link, null);
                assertThat(retr.replies()).as(link).startsWith("550");
                assertThat(new String(retr.received(), StandardCharsets.UTF_8)).doesNotContain("outside");
                assertThat(attempt(c, "APPE " + link, "x".getBytes(StandardCharsets.UTF_8)).replies())
                        .as(link).startsWith("550");
            }
            assertThat(c.command("CWD sib-dir")).startsWith("550");
            assertThat(c.command("CWD ../alice2")).startsWith("550");
            assertThat(c.command("CWD /../alice2")).startsWith("550");
            assertThat(c.list("NLST")).doesNotContain("sib-dir", "sib-file", "sib-rel", "sib-text");
            assertThat(attempt(c, "LIST sib-dir", null).replies()).startsWith("550");
        } finally {
            for (String link : List.of("sib-dir", "sib-file", "sib-rel", "sib-text")) {
                Files.deleteIfExists(home.resolve(link));
            }
        }
        assertThat(Files.readString(sibling.resolve("secret.txt"))).isEqualTo(OUTSIDE_TEXT);
    }

    @Test
    void symlinksToEtcAndOutOfTheHomeAreNeverFollowed() throws IOException {
        List<String> links = List.of("etc", "passwd", "dangling", "mid", "outfile", "outdir", "chain", "loop1",
                "loop2");
        Files.createSymbolicLink(home.resolve("etc"), Path.of("/etc"));
        Files.createSymbolicLink(home.resolve("passwd"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(home.resolve("dangling"), outside.resolve("created-through-link.txt"));
        Files.createSymbolicLink(home.resolve("mid"), outside);
        Files.createSymbolicLink(home.resolve("outfile"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(home.resolve("outdir"), outside.resolve("dir"));
        Files.createSymbolicLink(home.resolve("chain"), Path.of("mid"));  // inside, but on to outside
        Files.createSymbolicLink(home.resolve("loop1"), Path.of("loop2"));
        Files.createSymbolicLink(home.resolve("loop2"), Path.of("loop1"));
        List<String> before = snapshot(outside);
        byte[] pwned = "pwned\n".getBytes(StandardCharsets.UTF_8);
        try (ControlClient c = alice()) {
            for (String path : List.of("passwd", "etc/passwd", "etc/hostname", "mid/secret.txt", "outfile",
                    "chain/secret.txt", "mid/dir/file", "outdir/file", "loop1", "./etc/../passwd")) {
                for (String verb : List.of("SIZE", "MDTM", "HASH", "XMD5", "MLST", "RNFR")) {
                    assertThat(c.command(verb + " " + path)).as(verb + " " + path).startsWith("550");
                }
                AttackEvidence.Attempt retr = attempt(c, "RETR " + path, null);
                assertThat(retr.replies()).as("RETR " + path).startsWith("550");
                assertThat(retr.received()).isEmpty();
            }
            for (String dir : List.of("etc", "mid", "chain", "outdir", "mid/dir")) {
                assertThat(c.command("CWD " + dir)).as("CWD " + dir).startsWith("550");
                assertThat(c.command("STAT " + dir)).as("STAT " + dir).startsWith("550");
                assertThat(attempt(c, "LIST " + dir, null).replies()).as("LIST " + dir).startsWith("550");
                assertThat(attempt(c, "NLST " + dir, null).replies()).as("NLST " + dir).startsWith("550");
                assertThat(attempt(c, "MLSD " + dir, null).replies()).as("MLSD " + dir).startsWith("550");
                assertThat(c.command("MKD " + dir + "/new")).as("MKD " + dir + "/new").startsWith("550");
            }
            // Writes through links: a dangling one must not create its target; others must not change theirs.
            for (String path : List.of("dangling", "mid/created-through-link.txt", "outfile", "mid/secret.txt",
                    "outdir/file", "chain/new.txt")) {
                assertThat(attempt(c, "STOR " + path, pwned).replies()).as("STOR " + path).startsWith("55");
                assertThat(attempt(c, "APPE " + path, pwned).replies()).as("APPE " + path).startsWith("55");
            }
            assertThat(c.command("MFMT 20000101000000 outfile")).startsWith("550");
            assertThat(c.command("DELE mid/secret.txt")).startsWith("550");
            assertThat(c.command("RMD mid/dir")).startsWith("550");
            assertThat(c.command("RMD outdir")).startsWith("550");
            String listing = new String(c.fetch("LIST -la"), StandardCharsets.UTF_8);
            assertThat(listing).as("links out of the home are not listed").contains("sub")
                    .doesNotContain("etc", "passwd", "dangling", "mid", "outfile", "outdir", "chain", "loop");
            assertThat(c.command("PWD")).startsWith("257 \"/\"");
        } finally {
            for (String link : links) {
                Files.deleteIfExists(home.resolve(link));
            }
        }
        assertThat(outside.resolve("created-through-link.txt")).doesNotExist();
        assertThat(snapshot(outside)).isEqualTo(before);
    }

    @Test
    void renameTricksCannotMoveAnythingAcrossTheJail() throws IOException {
        List<String> before = snapshot(outside);
        Path dir = Files.createDirectories(home.resolve("rn/dir"));
        Files.writeString(dir.resolve("file"), "inside\n");
        Files.createDirectories(home.resolve("rn/dir2"));
        Files.writeString(home.resolve("rn/a.txt"), "a\n");
        try (ControlClient c = alice()) {
            assertThat(c.command("CWD rn")).startsWith("250");
            // RNFR an inside file, then the directory holding it becomes a link out before RNTO.
            assertThat(c.command("RNFR dir/file")).startsWith("350");
            Files.move(dir, home.resolve("rn/dir.real"));
            Files.createSymbolicLink(dir, outside.resolve("dir"));
            assertThat(c.command("RNTO stolen")).startsWith("550");
            assertThat(home.resolve("rn/stolen")).doesNotExist();

            // RNFR, then RNTO into a directory swapped for a link out.
            assertThat(c.command("RNFR a.txt")).startsWith("350");
            Files.delete(home.resolve("rn/dir2"));
            Files.createSymbolicLink(home.resolve("rn/dir2"), outside);
            assertThat(c.command("RNTO dir2/a.txt")).startsWith("550");
            assertThat(home.resolve("rn/a.txt")).exists();

            // RNFR's target holds for the very next command only.
            assertThat(c.command("RNFR a.txt")).startsWith("350");
            assertThat(c.command("NOOP")).startsWith("200");
            assertThat(c.command("RNTO b.txt")).startsWith("503");
            assertThat(home.resolve("rn/a.txt")).exists();
            assertThat(home.resolve("rn/b.txt")).doesNotExist();

            // Traversal in RNTO stays in the home; a link out cannot be a source.
            assertThat(c.command("RNFR a.txt")).startsWith("350");
            assertThat(c.command("RNTO ../../../../outside/a.txt")).startsWith("550");
            assertThat(c.command("RNFR dir/file")).startsWith("550");
            assertThat(c.command("RNFR ../../../../outside/secret.txt")).startsWith("550");
            Files.createSymbolicLink(home.resolve("rn/outfile"), outside.resolve("secret.txt"));
            assertThat(c.command("RNFR outfile")).startsWith("550");
            // Renaming onto a link out replaces the link, never the file it points to.
            assertThat(c.command("RNFR a.txt")).startsWith("350");
            c.command("RNTO outfile");
            assertThat(c.command("NOOP")).startsWith("200");
        } finally {
            Files.deleteIfExists(dir);
            Files.deleteIfExists(home.resolve("rn/dir2"));
        }
        assertThat(outside.resolve("a.txt")).doesNotExist();
        assertThat(outside.resolve("dir/stolen")).doesNotExist();
        assertThat(snapshot(outside)).isEqualTo(before);
    }

    @Test
    void anotherUsersFilesAreOutOfReach() throws IOException {
        Path bob = server.home("bob").toRealPath();
        FileTime mtime = Files.getLastModifiedTime(bob.resolve("secret.txt"));
        Files.createSymbolicLink(home.resolve("to-bob"), bob);
        byte[] pwned = "pwned\n".getBytes(StandardCharsets.UTF_8);
        try (ControlClient c = alice()) {
            for (String p : List.of("../bob/secret.txt", "/../bob/secret.txt", "~bob/secret.txt",
                    bob.resolve("secret.txt").toString(), "to-bob/secret.txt", "../../home/bob/secret.txt")) {
                for (String verb : List.of("DELE", "SIZE", "HASH", "XMD5", "MDTM", "RNFR", "MLST")) {
                    assertThat(c.command(verb + " " + p)).as(verb + " " + p).startsWith("550");
                }
                assertThat(c.command("MFMT 20000101000000 " + p)).as("MFMT " + p).startsWith("550");
                assertThat(attempt(c, "APPE " + p, pwned).replies()).as("APPE " + p).startsWith("55");
                assertThat(attempt(c, "STOR " + p, pwned).replies()).as("STOR " + p).startsWith("55");
                assertThat(attempt(c, "RETR " + p, null).replies()).as("RETR " + p).startsWith("550");
            }
            for (String p : List.of("../bob/dir", bob.resolve("dir").toString(), "to-bob/dir")) {
                assertThat(c.command("RMD " + p)).as("RMD " + p).startsWith("550");
                assertThat(c.command("CWD " + p)).as("CWD " + p).startsWith("550");
            }
            assertThat(attempt(c, "STOR ../bob/new.txt", pwned).replies()).startsWith("55");
            assertThat(c.command("MKD ../bob/newdir")).startsWith("550");
        } finally {
            Files.deleteIfExists(home.resolve("to-bob"));
        }
        assertThat(Files.readString(bob.resolve("secret.txt"))).isEqualTo("bob's\n");
        assertThat(Files.getLastModifiedTime(bob.resolve("secret.txt"))).isEqualTo(mtime);
        assertThat(bob.resolve("dir")).isDirectory();
        assertThat(bob.resolve("new.txt")).doesNotExist();
        assertThat(bob.resolve("newdir")).doesNotExist();
    }

    @Test
    void aSecondCommandInTheSameWriteCannotEscape() throws IOException {
        List<String> before = snapshot(outside);
        Files.writeString(home.resolve("pipe.txt"), "pipe\n");
        try (ControlClient c = alice()) {
            c.raw(("MKD pipe-dir\r\nMKD ../../escaped\r\nCWD pipe-dir\r\nCWD ../../..\r\nPWD\r\n"
                    + "RNFR /pipe.txt\r\nRNTO ../../outside/pipe.txt\r\nDELE ../../outside/secret.txt\r\n"
                    + "RMD ../../outside/dir\r\nMKD ../../../bob/pwned\r\nNOOP\r\n").getBytes(StandardCharsets.UTF_8));
            assertThat(c.reply()).startsWith("257");
            assertThat(c.reply()).startsWith("257 \"/escaped\"");  // clamped: inside the home
            assertThat(c.reply()).startsWith("250");
            assertThat(c.reply()).isEqualTo("250 Directory changed to /.");
            assertThat(c.reply()).startsWith("257 \"/\"");
            assertThat(c.reply()).startsWith("350");
            assertThat(c.reply()).startsWith("550");
            assertThat(c.reply()).startsWith("550");
            assertThat(c.reply()).startsWith("550");
            assertThat(c.reply()).startsWith("550");
            assertThat(c.reply()).startsWith("200");
        }
        assertThat(home.resolve("escaped")).isDirectory();
        assertThat(base.resolve("escaped")).doesNotExist();
        assertThat(server.home("bob").resolve("pwned")).doesNotExist();
        assertThat(home.resolve("pipe.txt")).exists();
        assertThat(snapshot(outside)).isEqualTo(before);
    }

    @Test
    void controlSeparatorAndBidiCharactersInNamesAreRefusedAndNeverListedOrLogged() throws IOException {
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (logged) {
                    logged.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        // ESC and NEL (Cc), the line and paragraph separators, a right-to-left override, an isolate, the
        // right-to-left and Arabic letter marks: each would make a log line or a listing say something else.
        List<String> forbidden = List.of("\u001b", "\u0085", "\u2028", "\u2029", "\u202e", "\u2066", "\u200f",
                "\u061c");
        Files.writeString(home.resolve("plain.txt"), "plain\n");
        for (String ch : forbidden) {
            Files.writeString(home.resolve("old" + ch + "gpj.exe"), "made on the host\n");
        }
        byte[] content = "x\n".getBytes(StandardCharsets.UTF_8);
        Logger.getLogger("ftpd").addHandler(capture);
        try (ControlClient c = alice()) {
            for (String ch : forbidden) {
                String name = "new" + ch + "gpj.exe";
                String shown = printable(name);
                assertThat(attempt(c, "STOR " + name, content).replies()).as("STOR " + shown).startsWith("553");
                assertThat(attempt(c, "APPE " + name, content).replies()).as("APPE " + shown).startsWith("553");
                assertThat(attempt(c, "STOU " + name, content).replies()).as("STOU " + shown).startsWith("553");
                assertThat(c.command("MKD " + name)).as("MKD " + shown).startsWith("553");
                assertThat(c.command("MKD dir" + ch + "/sub")).as("MKD in " + shown).startsWith("553");
                assertThat(c.command("RNFR plain.txt")).startsWith("350");
                assertThat(c.command("RNTO " + name)).as("RNTO " + shown).startsWith("553");
                assertThat(attempt(c, "RETR old" + ch + "gpj.exe", null).replies()).as("RETR of an old one")
                        .startsWith("553");
            }
            String listings = String.join("\n", c.list("LIST")) + String.join("\n", c.list("NLST"))
                    + String.join("\n", c.list("MLSD"));
            assertThat(listings).as("listings").contains("plain.txt").doesNotContain("gpj.exe");
            assertThat(c.command("STAT /")).contains("plain.txt").doesNotContain("gpj.exe");
        } finally {
            Logger.getLogger("ftpd").removeHandler(capture);
        }
        try (var names = Files.list(home)) {
            assertThat(names.map(p -> p.getFileName().toString())).as("nothing new was made")
                    .noneMatch(n -> n.startsWith("new") || n.startsWith("dir"));
        }
        String logs = String.join("\n", server.xferlog()) + String.join("\n", logged);
        for (String ch : forbidden) {
            assertThat(logs).as("the logs hold no " + printable(ch)).doesNotContain(ch);
        }
        assertThat(Files.readString(home.resolve("plain.txt"))).isEqualTo("plain\n");
    }
}
