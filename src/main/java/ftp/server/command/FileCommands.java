package ftp.server.command;

import ftp.fs.FileEntry;
import ftp.fs.FsException;
import ftp.log.LogField;
import ftp.server.FtpReplyException;
import ftp.server.Outcome;
import ftp.server.Reply;
import ftp.server.ServerContext;
import ftp.server.Session;
import ftp.server.SessionView;

import java.nio.file.attribute.FileTime;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;

/**
 * DELE, RNFR/RNTO, SIZE, MDTM and MFMT: single-file operations. Workers, except RNTO's state check.
 */
public final class FileCommands {
    /** Strict: a day that does not exist (Feb 29 of a common year, Apr 31, 24:00) is refused, not moved. */
    private static final DateTimeFormatter MFMT_STAMP =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withResolverStyle(ResolverStyle.STRICT);

    private FileCommands() {}

    public static Outcome dele(SessionView v, String arg) throws FtpReplyException {
        String path = v.resolve(arg);
        try {
            FileEntry e = v.user().files().stat(path);
            if (e.directory()) {
                throw new FtpReplyException(550, "Is a directory; use RMD.");
            }
            // delete() reports what it freed: a link frees nothing, whatever its target weighs.
            v.user().quota().adjust(-v.user().files().delete(path));
            v.server().hashes().forget(v.user().name(), path);
            v.user().uploads().markFinished(path);
        } catch (FsException e) {
            throw FsReplies.of(e);
        } catch (java.io.IOException e) {
            throw new FtpReplyException(451, "Local error: cannot update the upload records.");
        }
        ServerContext.LOG.info(() -> "delete user=" + LogField.quote(v.user().name())
                + " path=" + LogField.quote(path));
        return Outcome.of(250, "File deleted.");
    }

    public static Outcome rnfr(SessionView v, String arg) throws FtpReplyException {
        String path = v.resolve(arg);
        try {
            v.user().files().stat(path);
        } catch (FsException e) {
            throw FsReplies.of(e);
        }
        return Outcome.of(new Reply(350, "Ready for RNTO."), s -> s.options().setRenameFrom(path));
    }

    public static Reply rnto(Session s, String arg) throws FtpReplyException {
        String from = s.options().takeRenameFrom();
        if (from == null) {
            throw new FtpReplyException(503, "RNFR required first.");
        }
        s.submitToWorker("RNTO", (v, a) -> rename(v, from, a), arg);
        return null;
    }

    private static Outcome rename(SessionView v, String from, String arg) throws FtpReplyException {
        String to = v.resolve(arg);
        try {
            v.user().quota().adjust(-v.user().files().rename(from, to)); // a replaced file frees its bytes
            v.server().hashes().forget(v.user().name(), from);
            v.server().hashes().forget(v.user().name(), to);
        } catch (FsException e) {
            throw FsReplies.of(e);
        }
        ServerContext.LOG.info(() -> "rename user=" + LogField.quote(v.user().name()) + " from=" + LogField.quote(from)
                + " to=" + LogField.quote(to));
        return Outcome.of(250, "Rename successful.");
    }

    public static Outcome size(SessionView v, String arg) throws FtpReplyException {
        return Outcome.of(213, Long.toString(regularFile(v, v.resolve(arg)).size()));
    }

    public static Outcome mdtm(SessionView v, String arg) throws FtpReplyException {
        long modified = regularFile(v, v.resolve(arg)).modified().toInstant().getEpochSecond();
        return Outcome.of(213, ListingFormat.modify(new StringBuilder(14), modified).toString());
    }

    /** MFMT YYYYMMDDHHMMSS path (draft-somers-ftp-mfxx): sets the modification time. */
    public static Outcome mfmt(SessionView v, String arg) throws FtpReplyException {
        int space = arg.indexOf(' ');
        if (space < 0) {
            throw new FtpReplyException(501, "Syntax: MFMT YYYYMMDDHHMMSS path");
        }
        String stamp = arg.substring(0, space);
        String path = v.resolve(arg.substring(space + 1));
        FileTime time;
        try {
            time = FileTime.from(LocalDateTime.parse(stamp.length() > 14 ? stamp.substring(0, 14) : stamp, MFMT_STAMP)
                    .toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            throw new FtpReplyException(501, "Invalid time; use YYYYMMDDHHMMSS (UTC).");
        }
        regularFile(v, path);
        try {
            v.user().files().setModified(path, time);
        } catch (FsException e) {
            throw FsReplies.of(e);
        }
        return Outcome.of(213, "Modify=" + stamp + "; " + path);
    }

    static FileEntry regularFile(SessionView v, String path) throws FtpReplyException {
        try {
            FileEntry e = v.user().files().stat(path);
            if (e.directory()) {
                throw new FtpReplyException(550, "Not a regular file.");
            }
            return e;
        } catch (FsException e) {
            throw FsReplies.of(e);
        }
    }
}
