package ftp.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * One file from the server, fresh or resumed. A download writes into its partial file in the journal
 * ({@code .download/}), recorded before the first byte, computes the MD5 as bytes arrive, compares it with the
 * server's, and only then moves the file to its place and drops the record. A resume first checks that the remote
 * file is the one the partial came from (size, modification time, and the MD5 of the part already here), else
 * starts over with a warning. Ctrl-C stops the transfer and keeps the partial and its record. Main thread.
 */
final class FileDownload {
    private final ShellSession s;
    private final FtpClient client;
    private final TransferProgress progress;
    private long stoppedAt;
    private long size;

    FileDownload(ShellSession s, FtpClient client, TransferProgress progress) {
        this.s = s;
        this.client = client;
        this.progress = progress;
    }

    /** Where an {@link TransferOutcome#INTERRUPTED} download stopped, as a percentage of the file. */
    String stoppedAt() {
        return SizeFormat.percent(stoppedAt, size);
    }

    /** {@code target} itself when free, else the first of {@code name (1).ext}, {@code name (2).ext} ... that is. */
    static Path numbered(Path target) {
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        Path candidate = target;
        for (int n = 1; Files.exists(candidate); n++) {
            candidate = target.resolveSibling(stem + " (" + n + ")" + extension);
        }
        return candidate;
    }

    /** Downloads {@code remote} ({@code size} bytes, modified at {@code mdtm}) to {@code target}. */
    TransferOutcome fresh(String remote, long size, String mdtm, Path target) throws IOException {
        DownloadRecord record = s.downloads().start(s.host(), s.port(), s.user(), remote, size, mdtm, target);
        return fetch(record, LocalDigest.md5());
    }

    /** Continues {@code record}, or starts it over when the remote file changed since. */
    TransferOutcome resume(DownloadRecord record) throws IOException {
        String remote = record.remotePath();
        String shown = RemotePath.display(s.home(), remote);
        long remoteSize;
        try {
            remoteSize = client.size(remote);
        } catch (FtpReplyException e) {
            progress.beforeMessage();
            s.refused("resume_download.gone", e, shown);
            s.downloads().complete(record);
            return TransferOutcome.FAILED;
        }
        String mdtm = client.mdtm(remote).orElse("");
        long have = Files.exists(record.partial()) ? Files.size(record.partial()) : 0;
        boolean changed = remoteSize != record.size() || have > remoteSize
                || (!record.mdtm().isEmpty() && !mdtm.isEmpty() && !mdtm.equals(record.mdtm()));
        MessageDigest digest = LocalDigest.md5();
        if (!changed && have > 0) {
            digest = LocalDigest.ofPrefix(record.partial(), have);
            Optional<String> remotePrefix = client.md5Prefix(remote, have);
            changed = remotePrefix.isPresent() && !remotePrefix.get().equals(LocalDigest.hex(digest));
        }
        DownloadRecord resumed;
        if (changed) {
            progress.beforeMessage();
            s.fail("resume_download.changed", shown);
            resumed = record.restarted(remoteSize, mdtm);
            digest = LocalDigest.md5();
        } else {
            resumed = record.withBytes(have);
        }
        s.downloads().save(resumed);
        if (progress.single()) {
            s.say("resume_download.from", shown, SizeFormat.size(resumed.bytes()), SizeFormat.size(remoteSize));
        }
        return fetch(resumed, digest);
    }

    /**
     * Receives the rest of {@code record}'s file into its partial ({@code digest} has seen what is there),
     * verifies the whole file's MD5 and puts it in place.
     */
    private TransferOutcome fetch(DownloadRecord record, MessageDigest digest) throws IOException {
        size = record.size();
        String shown = RemotePath.display(s.home(), record.remotePath());
        Files.createDirectories(record.partial().getParent());
        if (progress.single()) {
            s.say("download.running");
        }
        LongConsumer moved = progress.start(shown, record.size(), record.bytes());
        Terminal.Watch ctrlC = s.interruptible(client);
        try (FileChannel channel = FileChannel.open(record.partial(), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            channel.truncate(record.bytes());
            channel.position(record.bytes());
            OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), digest);
            if (record.bytes() == 0 || record.bytes() < record.size()) {
                client.retrieve(record.remotePath(), record.bytes(), out, moved);
            }
        } catch (IOException e) {
            progress.end(false);
            return stopped(record, e);
        } finally {
            ctrlC.close();
        }
        progress.end(true);
        s.downloads().save(record.withBytes(Files.size(record.partial())));
        String localMd5 = LocalDigest.hex(digest);
        Optional<String> remoteMd5 = client.md5(record.remotePath());
        if (remoteMd5.isPresent() && !remoteMd5.get().equals(localMd5)) {
            s.downloads().complete(record);
            progress.beforeMessage();
            s.fail("md5.mismatch", localMd5, remoteMd5.get());
            s.fail("download.mismatch.hint");
            return TransferOutcome.FAILED;
        }
        Files.createDirectories(record.target().getParent());
        try {
            Files.move(record.partial(), record.target(), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(record.partial(), record.target(), StandardCopyOption.REPLACE_EXISTING);
        }
        s.downloads().complete(record);
        if (progress.single()) {
            s.say("download.succeed");
            if (remoteMd5.isPresent()) {
                s.say("md5.ok", localMd5);
            } else {
                s.fail("md5.unavailable");
            }
            s.say("download.saved", record.target());
        }
        return TransferOutcome.DONE;
    }

    /** The transfer failed or was stopped: keeps what arrived with its record, unless nothing did. */
    private TransferOutcome stopped(DownloadRecord record, IOException e) throws IOException {
        stoppedAt = Files.exists(record.partial()) ? Files.size(record.partial()) : 0;
        String name = RemotePath.name(record.remotePath());
        if (stoppedAt == 0 && e instanceof FtpReplyException refused) {
            // Refused before the first byte (no permission, gone): nothing to resume.
            s.downloads().complete(record);
            progress.beforeMessage();
            s.refused("download.failed", refused, name);
            return TransferOutcome.FAILED;
        }
        s.downloads().save(record.withBytes(stoppedAt));
        if (e instanceof TransferAbortedException) {
            return TransferOutcome.INTERRUPTED;
        }
        progress.beforeMessage();
        s.fail("download.interrupted", SizeFormat.size(stoppedAt), SizeFormat.size(record.size()),
                ShellWords.quote(RemotePath.display(s.home(), record.remotePath())));
        if (e instanceof FtpReplyException refused) {
            s.refused("download.failed", refused, name);
            return TransferOutcome.FAILED;
        }
        throw e;
    }
}
