package ftp.server.command;

import ftp.fs.ByteSize;
import ftp.fs.QuotaLedger;
import ftp.fs.UploadRecord;
import ftp.log.LogField;
import ftp.server.CommandSpec.Checked;
import ftp.server.FtpReplyException;
import ftp.server.Outcome;
import ftp.server.Reply;
import ftp.server.ServerContext;
import ftp.server.Session;
import ftp.server.SessionView;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;

/**
 * SITE HELP, SITE QUOTA (bytes used, limit and free; files and folders used and their limit), SITE UPLOADS
 * (the user's unfinished uploads, for resuming), SITE UTIME (sets a modification time, like MFMT) and AVBL.
 * SITE CHMOD and the rest are refused. Quota answers re-read the accounts file so an admin's change shows at
 * once. Workers, except the dispatching of SITE's sub-command.
 */
public final class Site {
    private Site() {}

    public static Checked site(Session s, String arg) throws FtpReplyException {
        String[] words = arg.trim().split("\\s+", 2);
        String sub = words[0].toUpperCase(Locale.ROOT);
        switch (sub) {
            case "HELP" -> {
                return Checked.answer(new Reply(214, "SITE commands:\n QUOTA    used, limit and free space; files and their limit\n"
                        + " UPLOADS  unfinished uploads you can resume\n"
                        + " UTIME    set a modification time (UTC): UTIME YYYYMMDDhhmmss path,"
                        + " or UTIME path atime mtime ctime UTC\nEnd"));
            }
            case "QUOTA" -> {
                return Checked.work(Site::quota, arg);
            }
            case "UPLOADS" -> {
                return Checked.work(Site::uploads, arg);
            }
            case "UTIME" -> {
                return Checked.work(Site::utime, words.length > 1 ? words[1] : "");
            }
            default -> throw new FtpReplyException(504, "SITE " + Session.printable(sub) + " is not supported.");
        }
    }

    /**
     * Bytes as {@code used}, {@code limit} and {@code free} lines, then {@code files: N of LIMIT} (or
     * {@code files: N} when unlimited): keys a parser of the older three lines does not mistake. Every file and
     * folder costs at least {@link QuotaLedger#BLOCK} bytes.
     */
    private static Outcome quota(SessionView v, String arg) {
        v.server().refreshQuota(v.user());
        QuotaLedger q = v.user().quota();
        try {
            q.refresh();  // what the other nodes folded into the shared ledger, and ours folded for them
        } catch (IOException e) {
            ServerContext.LOG.log(Level.WARNING, "quota ledger of " + LogField.quote(v.user().name()), e);
            return Outcome.of(451, "The quota ledger cannot be read now; try again.");
        }
        long used = q.used();
        String limit = q.limit().isPresent() ? Long.toString(q.limit().getAsLong()) : "none";
        String free = q.limit().isPresent() ? Long.toString(q.available()) : "none";
        return Outcome.of(211, "Quota for " + v.user().name() + " (bytes; " + ByteSize.human(used) + " used; each"
                + " file and folder costs at least " + QuotaLedger.BLOCK + "):\n"
                + "used: " + used + "\n"
                + "limit: " + limit + "\n"
                + "free: " + free + "\n"
                + files(q) + "\n"
                + "End");
    }

    /** {@code files: N of LIMIT}, or {@code files: N} when unlimited. */
    private static String files(QuotaLedger q) {
        long files = q.files();
        return "files: " + files + (q.fileLimit().isPresent() ? " of " + q.fileLimit().getAsLong() : "");
    }

    /** For refusals: what the user has of both limits, e.g. {@code 1.00MB of 1.00MB; files: 12 of 100}. */
    static String usage(QuotaLedger q) {
        return ByteSize.human(q.used()) + " of "
                + (q.limit().isPresent() ? ByteSize.human(q.limit().getAsLong()) : "unlimited") + "; " + files(q);
    }

    private static Outcome uploads(SessionView v, String arg) throws FtpReplyException {
        List<UploadRecord> records;
        try {
            records = v.user().uploads().list();
        } catch (IOException e) {
            throw new FtpReplyException(451, "Cannot read the upload records.");
        }
        StringBuilder b = new StringBuilder("Unfinished uploads (bytes, expected, path):\n");
        for (UploadRecord r : records) {
            b.append(' ').append(r.bytes()).append(' ')
                    .append(r.expected().isPresent() ? Long.toString(r.expected().getAsLong()) : "?")
                    .append(' ').append(r.path()).append('\n');
        }
        return Outcome.of(211, b.append("End").toString());
    }

    /**
     * {@code UTIME YYYYMMDDhhmm[ss] path} (ProFTPD's form) or {@code UTIME path atime mtime ctime UTC} (the form of
     * pure-ftpd and the clients that follow it); only the modification time is kept.
     */
    private static Outcome utime(SessionView v, String arg) throws FtpReplyException {
        String[] words = arg.trim().split(" ");
        int n = words.length;
        if (n >= 5 && words[n - 1].equalsIgnoreCase("UTC")) {
            String path = String.join(" ", java.util.Arrays.copyOf(words, n - 4));
            return FileCommands.setModified(v, words[n - 3], path);
        }
        if (n >= 2 && words[0].matches("\\d{12}(\\d{2})?")) {
            String stamp = words[0].length() == 12 ? words[0] + "00" : words[0];
            return FileCommands.setModified(v, stamp, arg.trim().substring(words[0].length() + 1));
        }
        throw new FtpReplyException(501, "Syntax: SITE UTIME YYYYMMDDhhmmss path, or SITE UTIME path atime mtime"
                + " ctime UTC");
    }

    public static Outcome avbl(SessionView v, String arg) throws FtpReplyException {
        if (!arg.isBlank()) {
            v.resolve(arg); // refuse paths outside the jail like any other command
        }
        v.server().refreshQuota(v.user());
        long available = v.user().quota().available();
        return Outcome.of(213, Long.toString(available == Long.MAX_VALUE ? Long.MAX_VALUE : available));
    }
}
