package ftp.server.command;

import ftp.fs.FileEntry;
import ftp.fs.FsException;
import ftp.fs.QuotaLedger;
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

    /**
     * MKD past the quota (a folder costs a block and counts against the file limit) is 550: RFC 959 lists
     * 552 for the storing commands only, 550 for MKD.
     */
    public static Outcome mkd(SessionView v, String arg) throws FtpReplyException {
        String path = v.resolve(arg);
        v.server().refreshQuota(v.user());
        QuotaLedger quota = v.user().quota();
        try {
            boolean fits = quota.tryCreateFolder(() -> {
                v.user().files().mkdir(path);
                return null;
            });
            if (!fits) {
                throw new FtpReplyException(550, "Exceeded storage allocation: no room for another folder ("
                        + Site.usage(quota) + ").");
            }
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
            v.user().quota().remove(() -> v.user().files().rmdir(path));
        } catch (FsException e) {
            throw FsReplies.of(e);
        }
        ServerContext.LOG.info(() -> "rmdir user=" + LogField.quote(v.user().name()) + " path=" + LogField.quote(path));
        return Outcome.of(250, "Directory removed.");
    }
}
