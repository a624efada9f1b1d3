package ftp.client;

import java.nio.file.Path;

/**
 * One unfinished upload as the client remembers it: which remote file of which account, the local file it comes
 * from and how that file looked when the upload started (size, modification time) so that a resume can tell it
 * changed, and what was sent of it. Immutable; any thread.
 *
 * @param mtimeMillis the local file's modification time, in milliseconds
 * @param sent        bytes read from the local file and handed to the connection (the server may hold fewer)
 * @param sentMd5     MD5 of those {@code sent} bytes, hex; empty when nothing was sent or it is not known
 */
record UploadRecord(String id, String host, int port, String user, String remotePath, Path local, long size,
                    long mtimeMillis, long sent, String sentMd5, long startedMillis) {

    UploadRecord withSent(long bytes, String md5) {
        return new UploadRecord(id, host, port, user, remotePath, local, size, mtimeMillis, bytes, md5,
                startedMillis);
    }

    boolean belongsTo(String otherHost, int otherPort, String otherUser) {
        return host.equals(otherHost) && port == otherPort && user.equals(otherUser);
    }
}
