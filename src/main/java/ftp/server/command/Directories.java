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

/**
 * PWD, CWD, CDUP, MKD, RMD (and their X-variants): moving around and shaping directories inside the jail.
 * PWD runs on the selector thread; the rest touch the disk and run on workers.
 */
public final class Directories {
    private Directories() {}

    public static Reply pwd(Session s, String arg) {
        return new Reply(257, FsReplies.quoted(s.cwd()) + " is the current directory.");
    }

    public static Outcome cwd(SessionView v, String arg) throws FtpReplyException {
        String path = v.resolve(arg);
        try {
            FileEntry e = v.user().files().stat(path);
            if (!e.directory()) {
                throw new FtpReplyException(550, "Not a directory.");
            }
        } catch (FsException e) {
            throw FsReplies.of(e);
        }
        return Outcome.of(new Reply(250, "Directory changed to " + path + "."), s -> s.setCwd(path));
    }

    public static Outcome cdup(SessionView v, String arg) throws FtpReplyException {
        return cwd(v, "..");
    }

    public static Outcome mkd(SessionView v, String arg) throws FtpReplyException {
        String path = v.resolve(arg);
        try {
            v.user().files().mkdir(path);
        } catch (FsException e) {
            throw FsReplies.of(e);
        }
        ServerContext.LOG.info(() -> "mkdir user=" + LogField.quote(v.user().name()) + " path=" + LogField.quote(path));
        return Outcome.of(257, FsReplies.quoted(path) + " created.");
    }

    public static Outcome rmd(SessionView v, String arg) throws FtpReplyException {
        String path = v.resolve(arg);
        if (path.equals("/")) {
            throw new FtpReplyException(550, "Cannot remove the home directory.");
        }
        try {
            v.user().files().rmdir(path);
        } catch (FsException e) {
            throw FsReplies.of(e);
        }
        ServerContext.LOG.info(() -> "rmdir user=" + LogField.quote(v.user().name()) + " path=" + LogField.quote(path));
        return Outcome.of(250, "Directory removed.");
    }
}
