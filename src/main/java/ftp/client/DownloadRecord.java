package ftp.client;

import java.nio.file.Path;

/**
 * One unfinished download as the journal keeps it: which file of which server and account, what the file looked
 * like when the download started (size, modification time) so that a resume can tell whether it changed, where the
 * partial data is and where the finished file goes. Immutable; any thread.
 *
 * @param mdtm  the server's MDTM answer, empty when it gave none
 * @param bytes the bytes known to be in {@code partial} (its length wins if a crash left them out of date)
 */
record DownloadRecord(String id, String host, int port, String user, String remotePath, long size, String mdtm,
                      Path partial, Path target, long bytes, long startedMillis) {

    DownloadRecord withBytes(long newBytes) {
        return new DownloadRecord(id, host, port, user, remotePath, size, mdtm, partial, target, newBytes,
                startedMillis);
    }

    /** The same download started over against the file as it is now. */
    DownloadRecord restarted(long newSize, String newMdtm) {
        return new DownloadRecord(id, host, port, user, remotePath, newSize, newMdtm, partial, target, 0,
                startedMillis);
    }

    boolean belongsTo(String otherHost, int otherPort, String otherUser) {
        return host.equals(otherHost) && port == otherPort && user.equals(otherUser);
    }
}
