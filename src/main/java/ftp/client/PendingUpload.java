package ftp.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An upload that can be resumed: the remote file the server holds unfinished ({@code SITE UPLOADS}), the bytes it
 * holds and the size announced, with the client's record of where it came from when there is one. Immutable; any
 * thread.
 */
record PendingUpload(String remotePath, long held, OptionalLong expected, Optional<UploadRecord> record) {

    /**
     * The account's resumable uploads, oldest record first. The server's list decides what can be resumed: a record
     * of an upload the server no longer holds (finished, removed) is dropped. A server without {@code SITE UPLOADS}
     * is asked the size of each recorded file instead.
     */
    static List<PendingUpload> list(ShellSession s, FtpClient client) throws IOException {
        List<UploadRecord> records = s.uploads().listFor(s.host(), s.port(), s.user());
        List<PendingUpload> pending = new ArrayList<>();
        List<UnfinishedUpload> held;
        try {
            held = client.unfinishedUploads();
        } catch (FtpReplyException e) {
            for (UploadRecord r : records) {
                try {
                    pending.add(new PendingUpload(r.remotePath(), client.size(r.remotePath()),
                            OptionalLong.of(r.size()), Optional.of(r)));
                } catch (FtpReplyException gone) {
                    s.uploads().complete(r);
                }
            }
            return pending;
        }
        for (UploadRecord r : records) {
            held.stream().filter(u -> u.path().equals(r.remotePath())).findFirst().ifPresent(u ->
                    pending.add(new PendingUpload(u.path(), u.bytes(), u.expected(), Optional.of(r))));
        }
        for (UploadRecord r : records) {
            if (pending.stream().noneMatch(p -> p.remotePath().equals(r.remotePath()))) {
                s.uploads().complete(r);
            }
        }
        for (UnfinishedUpload u : held) {
            if (pending.stream().noneMatch(p -> p.remotePath().equals(u.path()))) {
                pending.add(new PendingUpload(u.path(), u.bytes(), u.expected(), Optional.empty()));
            }
        }
        return pending;
    }

    /** The pending upload to {@code remotePath}, if there is one. */
    static Optional<PendingUpload> find(ShellSession s, FtpClient client, String remotePath) throws IOException {
        return list(s, client).stream().filter(p -> p.remotePath().equals(remotePath)).findFirst();
    }

    /** The size the whole file will have: the local file's as recorded, else as announced; -1 when unknown. */
    long size() {
        return record.map(UploadRecord::size).orElse(expected.orElse(-1));
    }
}
