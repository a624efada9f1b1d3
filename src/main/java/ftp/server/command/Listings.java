package ftp.server.command;

import ftp.fs.FileEntry;
import ftp.fs.FsException;
import ftp.fs.GlobMatcher;
import ftp.fs.VirtualPaths;
import ftp.server.CommandSpec.Checked;
import ftp.server.FtpReplyException;
import ftp.server.MlstFacts;
import ftp.server.Outcome;
import ftp.server.Reply;
import ftp.server.Session;
import ftp.server.SessionView;
import ftp.server.data.DataConnection;
import ftp.server.data.DataConnectionOpener;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * LIST, NLST, MLSD over the data connection; MLST and STAT with a path over the control connection. A glob
 * in the last component (what {@code mget} sends) filters the parent directory with a linear-time matcher.
 * Workers.
 */
public final class Listings {
    private static final int MAX_CONTROL_LINES = 10_000;

    private Listings() {}

    public static Outcome list(SessionView v, String arg) throws FtpReplyException {
        long now = Instant.now().getEpochSecond();
        String owner = v.user().name();
        return send(v, arg, (e, line) -> ListingFormat.appendLs(line, e, owner, now));
    }

    public static Outcome nlst(SessionView v, String arg) throws FtpReplyException {
        String target = stripOptions(arg);
        String prefix = target.isEmpty() || GlobMatcher.isGlob(VirtualPaths.name(v.resolve(target)))
                ? "" : target.endsWith("/") ? target : target + "/";
        return send(v, arg, (e, line) -> line.append(
                prefix.isEmpty() || !e.directory() && e.name().equals(target) ? "" : prefix).append(e.name()));
    }

    public static Outcome mlsd(SessionView v, String arg) throws FtpReplyException {
        String path = v.resolve(arg);
        FileEntry dir = stat(v, path);
        if (!dir.directory()) {
            throw new FtpReplyException(501, "Not a directory; use MLST.");
        }
        MlstFacts facts = v.options().mlstFacts();
        return send(v, arg, (e, line) -> ListingFormat.appendFacts(line, e, facts).append(' ').append(e.name()));
    }

    public static Outcome mlst(SessionView v, String arg) throws FtpReplyException {
        String path = v.resolve(arg.isBlank() ? "." : arg);
        FileEntry e = stat(v, path);
        return Outcome.of(250, "Listing " + path + "\n " + ListingFormat.facts(e, v.options().mlstFacts()) + " " + path
                + "\nEnd");
    }

    /** STAT without an argument is the session status (selector thread); with a path, a listing on a worker. */
    public static Checked stat(Session s, String arg) {
        if (arg.isBlank()) {
            return Checked.answer(new Reply(211, "ftpd status:\n Logged in as " + s.user().name()
                    + "\n TYPE: " + (s.options().binary() ? "BINARY" : "ASCII") + ", STRUcture: File, MODE: Stream"
                    + "\n Control connection: " + (s.tlsActive() ? "TLS" : "plain")
                    + ", data protection: " + (s.options().protectedData() ? "private" : "clear")
                    + "\nEnd of status"));
        }
        return Checked.work(Listings::statPath, arg);
    }

    private static Outcome statPath(SessionView v, String arg) throws FtpReplyException {
        Instant now = Instant.now();
        List<FileEntry> entries = entries(v, arg);
        StringBuilder b = new StringBuilder("Status of " + Session.printable(arg) + ":\n");
        int n = 0;
        for (FileEntry e : entries) {
            if (n++ == MAX_CONTROL_LINES) {
                b.append(" ... listing cut at ").append(MAX_CONTROL_LINES).append(" entries\n");
                break;
            }
            b.append(' ').append(ListingFormat.ls(e, v.user().name(), now)).append('\n');
        }
        return Outcome.of(213, b.append("End of status").toString());
    }

    /** Appends one entry's line, without its line end. */
    private interface LineFormat {
        void append(FileEntry e, StringBuilder line);
    }

    private static Outcome send(SessionView v, String arg, LineFormat format) throws FtpReplyException {
        List<FileEntry> entries = entries(v, arg);
        return DataConnectionOpener.afterPreliminary(v, new Reply(150, "Opening data connection for the listing."),
                () -> send(v, entries, format));
    }

    /** A listing once the data connection is ready. */
    private static Outcome send(SessionView v, List<FileEntry> entries, LineFormat format)
            throws FtpReplyException {
        try (DataConnection data = DataConnectionOpener.open(v);
             OutputStream out = data.output()) {
            Utf8Lines lines = new Utf8Lines(out, entries.size());
            StringBuilder line = new StringBuilder(128);
            for (FileEntry e : entries) {
                line.setLength(0);
                format.append(e, line);
                lines.write(line.append("\r\n"));
            }
            lines.flush();
        } catch (IOException e) {
            if (v.transfer().aborted()) {
                return Outcome.of(426, "Connection closed; transfer aborted.");
            }
            return Outcome.of(426, "Data connection failed; listing aborted.");
        }
        return Outcome.of(226, "Transfer complete (" + entries.size() + " entries).");
    }

    /** The entries a listing argument names: a directory's content, one file, or a glob's matches. */
    static List<FileEntry> entries(SessionView v, String arg) throws FtpReplyException {
        String target = stripOptions(arg);
        String path = v.resolve(target.isEmpty() ? "." : target);
        String name = VirtualPaths.name(path);
        try {
            if (GlobMatcher.isGlob(name) && !path.equals("/")) {
                List<FileEntry> matches = new ArrayList<>();
                for (FileEntry e : v.user().files().list(VirtualPaths.parent(path))) {
                    if (GlobMatcher.matches(name, e.name())) {
                        matches.add(e);
                    }
                }
                return matches;
            }
            FileEntry e = v.user().files().stat(path);
            return e.directory() ? v.user().files().list(path) : List.of(e);
        } catch (FsException e) {
            throw FsReplies.of(e);
        }
    }

    /** Drops {@code ls} options such as {@code -la} that clients put before the path. */
    static String stripOptions(String arg) {
        String a = arg.trim();
        while (a.startsWith("-")) {
            int space = a.indexOf(' ');
            a = space < 0 ? "" : a.substring(space + 1).trim();
        }
        return a;
    }

    private static FileEntry stat(SessionView v, String path) throws FtpReplyException {
        try {
            return v.user().files().stat(path);
        } catch (FsException e) {
            throw FsReplies.of(e);
        }
    }
}
