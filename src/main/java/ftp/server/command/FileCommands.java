package ftp.server.command;

import ftp.fs.FileEntry;
import ftp.fs.FsException;
import ftp.log.LogField;
import ftp.server.CommandSpec.Checked;
import ftp.server.FtpReplyException;
import ftp.server.Outcome;
import ftp.server.Reply;
import ftp.server.ServerContext;
import ftp.server.Session;
import ftp.server.SessionView;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.attribute.FileTime;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DELE, RNFR/RNTO, SIZE, MDTM and MFMT: single-file operations. Workers, except RNTO's state check.
 */
public final class FileCommands {
    /** Strict: a day that does not exist (Feb 29 of a common year, Apr 31, 24:00) is refused, not moved. */
    private static final DateTimeFormatter MFMT_STAMP =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss").withResolverStyle(ResolverStyle.STRICT);
    /** {@code MDTM YYYYMMDDHHMMSS path}: the form some clients use to set a time, read like MFMT. */
    private static final Pattern MDTM_SETS = Pattern.compile("(\\d{14}(?:\\.\\d{1,3})?) (.+)");
    /** A TYPE A size is counted by reading the file; past this SIZE refuses rather than read for long. */
    static final long ASCII_SIZE_LIMIT = 16L << 20;
    private static final int BUFFER = 64 * 1024;

    private FileCommands() {}

    public static Outcome dele(SessionView v, String arg) throws FtpReplyException {
        String path = v.resolve(arg);
        try {
            FileEntry e = v.user().files().stat(path);
            if (e.directory()) {
                throw new FtpReplyException(550, "Is a directory; use RMD.");
            }
            // delete() reports what it removed: a link frees nothing, whatever its target weighs.
            v.user().quota().remove(() -> v.user().files().delete(path));
            v.server().hashes().forget(v.user().name(), path);
            v.user().uploads().markFinished(path);
        } catch (FsException e) {
            throw FsReplies.of(e);
        } catch (IOException e) {
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

    public static Checked rnto(Session s, String arg) throws FtpReplyException {
        String from = s.options().takeRenameFrom();
        if (from == null) {
            throw new FtpReplyException(503, "RNFR required first.");
        }
        return Checked.work((v, a) -> rename(v, from, a), arg);
    }

    private static Outcome rename(SessionView v, String from, String arg) throws FtpReplyException {
        String to = v.resolve(arg);
        try {
            v.user().quota().remove(() -> v.user().files().rename(from, to)); // a replaced file frees its cost
            v.server().hashes().forget(v.user().name(), from);
            v.server().hashes().forget(v.user().name(), to);
        } catch (FsException e) {
            throw FsReplies.of(e);
        }
        ServerContext.LOG.info(() -> "rename user=" + LogField.quote(v.user().name()) + " from=" + LogField.quote(from)
                + " to=" + LogField.quote(to));
        return Outcome.of(250, "Rename successful.");
    }

    /** The size a RETR would send (RFC 3659 §4): in TYPE A, with the CR that each bare LF gains. */
    public static Outcome size(SessionView v, String arg) throws FtpReplyException {
        String path = v.resolve(arg);
        FileEntry e = regularFile(v, path);
        if (v.options().binary()) {
            return Outcome.of(213, Long.toString(e.size()));
        }
        if (e.size() > ASCII_SIZE_LIMIT) {
            throw new FtpReplyException(550, "SIZE in ASCII mode is counted only for files up to "
                    + (ASCII_SIZE_LIMIT >> 20) + " MiB; use TYPE I for the size on disk.");
        }
        try (FileChannel file = v.user().files().openRead(path)) {
            return Outcome.of(213, Long.toString(asciiSize(file)));
        } catch (FsException ex) {
            throw FsReplies.of(ex);
        } catch (IOException ex) {
            throw new FtpReplyException(451, "Local error: cannot read the file.");
        }
    }

    private static long asciiSize(FileChannel file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        long size = 0;
        byte previous = 0;
        while (file.read(buf.clear()) > 0) {
            for (int i = 0; i < buf.position(); i++) {
                byte b = buf.get(i);
                size += AsciiLineEnds.gainsCr(b, previous) ? 2 : 1;
                previous = b;
            }
        }
        return size;
    }

    /** MDTM path, or MDTM YYYYMMDDHHMMSS path to set the time (unless that whole text names a file). */
    public static Outcome mdtm(SessionView v, String arg) throws FtpReplyException {
        Matcher sets = MDTM_SETS.matcher(arg);
        if (sets.matches() && !names(v, arg)) {
            return setModified(v, sets.group(1), sets.group(2));
        }
        long modified = regularFile(v, v.resolve(arg)).modified().toInstant().getEpochSecond();
        return Outcome.of(213, ListingFormat.modify(new StringBuilder(14), modified).toString());
    }

    private static boolean names(SessionView v, String arg) {
        try {
            v.user().files().stat(v.resolve(arg));
            return true;
        } catch (FsException | FtpReplyException e) {
            return false;
        }
    }

    /** MFMT YYYYMMDDHHMMSS path (draft-somers-ftp-mfxx): sets the modification time. */
    public static Outcome mfmt(SessionView v, String arg) throws FtpReplyException {
        int space = arg.indexOf(' ');
        if (space < 0) {
            throw new FtpReplyException(501, "Syntax: MFMT YYYYMMDDHHMMSS path");
        }
        return setModified(v, arg.substring(0, space), arg.substring(space + 1));
    }

    /** Sets {@code pathArgument}'s modification time to {@code stamp} (YYYYMMDDHHMMSS[.sss], UTC). */
    static Outcome setModified(SessionView v, String stamp, String pathArgument) throws FtpReplyException {
        String path = v.resolve(pathArgument);
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
