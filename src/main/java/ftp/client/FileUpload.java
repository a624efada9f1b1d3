package ftp.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * One file to the server, fresh or resumed. A fresh upload checks the space (AVBL: nothing is sent when the file
 * cannot fit), announces its size (ALLO), records itself before the first byte, sends while computing the MD5 and
 * compares it with the server's (HASH or XMD5). A resume first checks that the local file is the one the upload
 * started from (size and modification time as recorded) and that it starts with the bytes the server holds (HASH
 * of that range against the same range here), so a changed file or a corrupted partial is never extended; then it
 * sends only the rest (REST + STOR). Ctrl-C stops the transfer and keeps the record. Main thread.
 */
final class FileUpload {
    private final ShellSession s;
    private final FtpClient client;
    private final TransferProgress progress;
    /** Where an interrupted upload stopped, and of how much. */
    private long stoppedAt;
    private long size;

    FileUpload(ShellSession s, FtpClient client, TransferProgress progress) {
        this.s = s;
        this.client = client;
        this.progress = progress;
    }

    /** Where an {@link TransferOutcome#INTERRUPTED} upload stopped, as a percentage of the file. */
    String stoppedAt() {
        return SizeFormat.percent(stoppedAt, size);
    }

    /** Sends the whole of {@code local} to {@code remote}, replacing what is there. */
    TransferOutcome fresh(Path local, String remote) throws IOException {
        size = Files.size(local);
        long mtime = Files.getLastModifiedTime(local).toMillis();
        if (progress.single() && !fits(remote, size)) {
            return TransferOutcome.FAILED;
        }
        try {
            client.allocate(size);
        } catch (FtpReplyException e) {
            progress.beforeMessage();
            s.refused("upload.refused", e, local.getFileName());
            return TransferOutcome.FAILED;
        }
        UploadRecord record = s.uploads().start(s.host(), s.port(), s.user(), remote, local, size, mtime);
        return send(local, remote, 0, LocalDigest.md5(), record);
    }

    /**
     * Continues {@code pending} from the local file it was recorded with, else {@code local} (the name in the local
     * folder when null).
     */
    TransferOutcome resume(PendingUpload pending, Path local) throws IOException {
        String remote = pending.remotePath();
        Path file = local != null ? local : pending.record().map(UploadRecord::local)
                .orElse(s.localDir().resolve(RemotePath.name(remote)));
        if (!Files.isRegularFile(file)) {
            progress.beforeMessage();
            s.fail("local.notfound", file);
            return TransferOutcome.FAILED;
        }
        size = Files.size(file);
        long mtime = Files.getLastModifiedTime(file).toMillis();
        String shown = RemotePath.display(s.home(), remote);
        Optional<UploadRecord> record = pending.record().filter(r -> r.local().equals(file.toAbsolutePath()));
        if (record.isPresent() && (record.get().size() != size || record.get().mtimeMillis() != mtime)) {
            progress.beforeMessage();
            s.fail("resume_upload.local.changed", file, startOver(file, remote));
            return TransferOutcome.FAILED;
        }
        long held = pending.held();
        if (size < held) {
            progress.beforeMessage();
            s.fail("resume_upload.local.short", file, SizeFormat.size(size), SizeFormat.size(held));
            return TransferOutcome.FAILED;
        }
        MessageDigest digest = LocalDigest.ofPrefix(file, held);
        if (held > 0 && !heldPartMatches(file, remote, held, digest, record)) {
            return TransferOutcome.FAILED;
        }
        if (progress.single()) {
            if (!fits(remote, size - held)) {
                return TransferOutcome.FAILED;
            }
            s.say("resume_upload.from", shown, SizeFormat.size(held), SizeFormat.size(size));
        }
        try {
            client.allocate(size - held);
        } catch (FtpReplyException e) {
            progress.beforeMessage();
            s.refused("upload.refused", e, file.getFileName());
            return TransferOutcome.FAILED;
        }
        UploadRecord kept = record.isPresent() ? record.get()
                : s.uploads().start(s.host(), s.port(), s.user(), remote, file, size, mtime);
        return send(file, remote, held, digest, kept);
    }

    /**
     * Whether the server's first {@code held} bytes are the local file's ({@code digest} has seen those): the
     * server's HASH of the range when it can give one, else the record of what was sent.
     */
    private boolean heldPartMatches(Path file, String remote, long held, MessageDigest digest,
                                    Optional<UploadRecord> record) throws IOException {
        String local = LocalDigest.hex(digest);
        Optional<String> remotePart = client.md5Prefix(remote, held);
        boolean matches;
        if (remotePart.isPresent()) {
            matches = remotePart.get().equals(local);
        } else if (record.isPresent() && record.get().sent() == held && !record.get().sentMd5().isEmpty()) {
            matches = record.get().sentMd5().equals(local);
        } else {
            progress.beforeMessage();
            s.fail("resume_upload.prefix.unchecked");
            return true;
        }
        if (!matches) {
            progress.beforeMessage();
            s.fail("resume_upload.prefix.mismatch", file, SizeFormat.size(held), RemotePath.display(s.home(), remote),
                    startOver(file, remote));
        }
        return matches;
    }

    private String startOver(Path file, String remote) {
        return "upload -f " + ShellWords.quote(file.toString()) + " "
                + ShellWords.quote(RemotePath.display(s.home(), remote));
    }

    /** Says the space available before; false (nothing sent) when {@code bytes} cannot fit. */
    private boolean fits(String remote, long bytes) throws IOException {
        OptionalLong available = client.available(RemotePath.parent(remote));
        if (available.isEmpty()) {
            return true;
        }
        if (bytes > available.getAsLong()) {
            s.fail("upload.nospace", SizeFormat.size(bytes), SizeFormat.size(available.getAsLong()));
            return false;
        }
        s.say("upload.space.before", s.space(available.getAsLong()));
        return true;
    }

    /**
     * Sends {@code local} from {@code offset} ({@code digest} has seen the bytes before it), verifies the whole
     * file's MD5, and, for a single file, tells the space left. The record stays until the file is verified.
     */
    private TransferOutcome send(Path local, String remote, long offset, MessageDigest digest, UploadRecord record)
            throws IOException {
        if (progress.single()) {
            s.say("upload.running");
        }
        LongConsumer moved = progress.start(RemotePath.display(s.home(), remote), size, offset);
        DigestedInput source = null;
        Terminal.Watch ctrlC = s.interruptible(client);
        try (InputStream in = Files.newInputStream(local)) {
            in.skipNBytes(offset);
            source = new DigestedInput(in, digest);
            client.store(remote, offset, source, moved);
        } catch (IOException e) {
            progress.end(false);
            stoppedAt = offset + (source == null ? 0 : source.count());
            s.uploads().save(record.withSent(stoppedAt, LocalDigest.hex(digest)));
            if (e instanceof TransferAbortedException) {
                return TransferOutcome.INTERRUPTED;
            }
            progress.beforeMessage();
            if (e instanceof FtpReplyException refused) {
                s.refused("upload.failed", refused, RemotePath.name(remote));
                return TransferOutcome.FAILED;
            }
            s.fail("upload.interrupted", ShellWords.quote(RemotePath.display(s.home(), remote)));
            throw e;
        } finally {
            ctrlC.close();
        }
        progress.end(true);
        return verify(remote, LocalDigest.hex(digest), record);
    }

    private TransferOutcome verify(String remote, String localMd5, UploadRecord record) throws IOException {
        Optional<String> remoteMd5 = client.md5(remote);
        s.uploads().complete(record);
        if (remoteMd5.isPresent() && !remoteMd5.get().equals(localMd5)) {
            progress.beforeMessage();
            s.fail("md5.mismatch", localMd5, remoteMd5.get());
            s.fail("upload.mismatch.hint", RemotePath.display(s.home(), remote));
            return TransferOutcome.FAILED;
        }
        if (!progress.single()) {
            return TransferOutcome.DONE;
        }
        s.say("upload.succeed");
        if (remoteMd5.isPresent()) {
            s.say("md5.ok", localMd5);
        } else {
            s.fail("md5.unavailable");
        }
        OptionalLong after = client.available(RemotePath.parent(remote));
        if (after.isPresent()) {
            s.say("upload.space.after", s.space(after.getAsLong()));
        } else {
            s.say("upload.done");
        }
        return TransferOutcome.DONE;
    }
}
