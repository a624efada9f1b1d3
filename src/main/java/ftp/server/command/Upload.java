package ftp.server.command;

import ftp.fs.ByteSize;
import ftp.fs.ChargedFile;
import ftp.fs.FileEntry;
import ftp.fs.FollowingDigest;
import ftp.fs.FsException;
import ftp.fs.Md5;
import ftp.fs.QuotaLedger;
import ftp.fs.UploadJournal;
import ftp.fs.UploadRecord;
import ftp.fs.UserFileSystem;
import ftp.fs.VirtualPaths;
import ftp.log.LogField;
import ftp.server.FtpReplyException;
import ftp.server.Outcome;
import ftp.server.Reply;
import ftp.server.ServerContext;
import ftp.server.SessionView;
import ftp.server.TransferLog;
import ftp.server.data.DataConnection;
import ftp.server.data.DataConnectionOpener;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Level;

/**
 * One upload (STOR, REST+STOR, APPE, STOU) from start to end, on one worker.
 *
 * <ul>
 * <li>Quota: the file is charged through its open handle ({@link ChargedFile}): space is reserved before
 *     each write (all of an {@code ALLO} size before the first byte), so sessions of the same user racing
 *     each other can never pass the limit together. An upload that runs past it gets 552 and the file goes
 *     back to how it was before, through the handle: truncated to where the upload started, whatever its
 *     name is by now, and only what that truncation freed is given back. A new or replaced file is then
 *     removed if its name still names it, and its journal record restored. The 552 is sent before the data
 *     connection closes, and what the client still sends is read and dropped (within bounds), so the client
 *     sees the reply and a clean end rather than a reset.</li>
 * <li>Resume: the file is changed only once the data connection is up. The first
 *     {@value #FIRST_CHUNK} bytes are gathered before anything is written: an upload that ends cleanly
 *     within them (most files) is stored with one write and needs no record. A longer one is recorded as
 *     unfinished before its first byte is written and marked finished only when complete. Whatever stops
 *     it (ABOR, a lost connection, fewer bytes than ALLO announced, a full disk, {@code kill -9}) leaves the
 *     bytes received so far at the target, resumable with REST+STOR or APPE, and listed by SITE UPLOADS.</li>
 * <li>MD5: digested from the stored bytes (a resumed file's kept prefix first) by a digest thread that
 *     follows the writer ({@link FollowingDigest} says why not inline), or catches up after an upload that
 *     outruns MD5 (a gathered upload is digested from memory), and stored in the hash cache under the final
 *     size and mtime, so HASH after the upload waits (on the selector thread) at most for what the digest
 *     has left and never reads the file again.</li>
 * <li>TYPE A: CRLF from the wire is stored as LF.</li>
 * </ul>
 * Worker thread only; one instance per command.
 */
final class Upload {
    /** Gathered before the first write; small enough that a slow client's first bytes reach the disk soon. */
    static final int FIRST_CHUNK = 64 * 1024;
    /**
     * Bytes taken from the socket per read: the sender keeps streaming into the socket buffer while one
     * chunk goes to the page cache, and fewer, larger reads and writes halve the system calls (loopback,
     * 1 GiB: 1.3-1.5 GiB/s with 256 KiB, 2.1-2.3 GiB/s with 1 MiB).
     */
    private static final int RECEIVE_CHUNK = 1 << 20;
    /** One per transfer thread that has received (few, long-lived): bounded direct memory, never churned. */
    private static final ThreadLocal<ByteBuffer> DIRECT_BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(RECEIVE_CHUNK));
    /**
     * After a refusal mid-way, what the client still sends is dropped up to this much, so it can finish and
     * read the reply rather than run into a reset; past it (or {@link #DRAIN_TIME}) the connection closes anyway.
     */
    private static final long DRAIN_BYTES = 64L << 20;
    private static final Duration DRAIN_TIME = Duration.ofSeconds(5);

    private final SessionView v;
    private final String path;
    private final UploadMode mode;
    private final UserFileSystem files;
    private final QuotaLedger quota;
    private final UploadJournal journal;
    private final long startedMillis = System.currentTimeMillis();
    /** The ALLO size (bytes the client will send), or -1. */
    private final long announced;

    /** Next file offset to write; everything before it is on disk. */
    private long position;
    /** Bytes read from the data connection (differs from the bytes stored in ASCII mode). */
    private long received;
    /** TYPE A: a CR from the end of the last read, held until the next byte shows whether it ends a line. */
    private boolean heldCr;
    /** Where this upload's bytes begin: 0, the REST offset, or the old end for APPE. */
    private long start;
    /** Whether this command created the file (else it existed before). */
    private boolean created;
    /** The record of an earlier unfinished upload to the same path (RESUME and APPEND only). */
    private Optional<UploadRecord> earlier = Optional.empty();
    /** The file size the client announced (start + ALLO), for the journal. */
    private OptionalLong expectedSize = OptionalLong.empty();
    /** Digests what is stored, on a digest thread; null when none could be started (then HASH reads the file). */
    private FollowingDigest digest;
    /** Digests a gathered upload from memory, instead of {@link #digest}. */
    private MessageDigest inlineDigest;
    /** The data connection reached its end (not by ABOR); the upload is complete if it also ended cleanly. */
    private boolean endOfData;

    Upload(SessionView v, String path, UploadMode mode) {
        this.v = v;
        this.path = path;
        this.mode = mode;
        this.files = v.user().files();
        this.quota = v.user().quota();
        this.journal = v.user().uploads();
        this.announced = v.options().allocated().orElse(-1);
    }

    Outcome run() throws FtpReplyException {
        v.server().refreshQuota(v.user());
        ChargedFile opened;
        try {
            opened = quota.openForUpload(mayCreate -> files.openWrite(path, mode == UploadMode.UNIQUE, mayCreate));
        } catch (FsException e) {
            if (e.kind() == FsException.Kind.OVER_QUOTA) {
                v.server().events().quotaRefused(v, path, "used=" + quota.used() + " limit="
                        + ByteSize.canonical(quota.limit()) + " files=" + quota.files() + " file_limit="
                        + QuotaLedger.fileLimitText(quota.fileLimit()));
                throw new FtpReplyException(552, "Exceeded storage allocation: no room for another file ("
                        + Site.usage(quota) + ").");
            }
            throw FsReplies.of(e);
        }
        Reply ready;
        try {
            ready = onDisk(() -> prepare(opened));
        } catch (FtpReplyException | RuntimeException e) {
            try {
                opened.close();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return DataConnectionOpener.afterPreliminary(v, ready, () -> finish(opened));
    }

    /** The upload once the data connection is ready: receives, then closes the file. */
    private Outcome finish(ChargedFile opened) throws FtpReplyException {
        try {
            return onDisk(() -> {
                try (ChargedFile file = opened) {
                    return receive(file);
                }
            });
        } finally {
            if (digest != null) {
                digest.abandon(); // no-op once finished
            }
        }
    }

    private interface DiskStep<T> {
        T run() throws IOException, FtpReplyException;
    }

    /** Runs {@code step}, answering a disk failure: 452 when the disk is full, else 451. */
    private <T> T onDisk(DiskStep<T> step) throws FtpReplyException {
        try {
            return step.run();
        } catch (IOException e) {
            if (FsException.isNoSpace(e)) {
                log(false);
                throw new FtpReplyException(452, "Insufficient storage space on the server.");
            }
            ServerContext.LOG.log(Level.WARNING, "upload of " + LogField.quote(path) + " by "
                    + LogField.quote(v.user().name()) + " failed", e);
            throw new FtpReplyException(451, "Local error while writing the file.");
        }
    }

    /** The checks before the data connection is used; the 150 to send when they pass. */
    private Reply prepare(ChargedFile file) throws IOException, FtpReplyException {
        long before = file.sizeBefore();
        created = file.created();
        start = switch (mode) {
            case REPLACE, UNIQUE -> 0;
            case APPEND -> before;
            case RESUME -> v.options().restOffset();
        };
        if (start > before) {
            discardCreated(file);
            throw new FtpReplyException(554, "Restart offset " + start + " is past the end of the file (" + before
                    + " bytes); resume from at most there.");
        }
        if (announced > 0 && !file.tryReserve(announced)) {
            discardCreated(file);
            v.server().events().quotaRefused(v, path, "announced=" + announced + " available=" + quota.available());
            throw new FtpReplyException(552, "Exceeded storage allocation: " + announced + " bytes announced, "
                    + quota.available() + " available.");
        }
        if (mode == UploadMode.RESUME || mode == UploadMode.APPEND) {
            earlier = journal.list().stream().filter(r -> r.path().equals(path)).findFirst();
        }
        expectedSize = announced >= 0 ? OptionalLong.of(start + announced) : OptionalLong.empty();
        v.transfer().expect(announced);
        return new Reply(150, mode == UploadMode.UNIQUE
                ? "FILE: " + VirtualPaths.name(path)
                : "Ok to send data for " + VirtualPaths.name(path) + ".");
    }

    private Outcome receive(ChargedFile file) throws IOException, FtpReplyException {
        DataConnection data;
        try {
            data = DataConnectionOpener.open(v);
        } catch (FtpReplyException e) {
            discardCreated(file);
            throw e;
        }
        try (DataConnection d = data) {
            return transfer(d, file, file.sizeBefore());
        }
    }

    private Outcome transfer(DataConnection d, ChargedFile file, long before) throws IOException {
        d.setReadTimeout((int) Math.min(Integer.MAX_VALUE, v.server().settings().dataTimeout().toMillis()));
        // Binary over a plain connection: socket to direct buffer to file, no copy through the heap.
        boolean binary = v.options().binary();
        ByteBuffer in = binary && !d.isTls() ? DIRECT_BUFFER.get() : ByteBuffer.allocate(Transfers.BUFFER);
        ByteBuffer converted = binary ? null : ByteBuffer.allocate(Transfers.BUFFER + 1);
        in.clear().limit(FIRST_CHUNK);
        boolean more = read(d, in, true);
        begin(file, before, !more && complete(d));
        Outcome refused = storeRead(file, in, converted);
        while (more && refused == null) {
            in.clear();
            more = read(d, in, false);
            refused = storeRead(file, in, converted);
        }
        if (refused != null) {
            if (more) {
                file.close(); // the books are final before the client hears the reply
                return answerThenDrain(d, refused);
            }
            return refused;
        }
        if (endOfData && heldCr) {
            refused = store(file, toLocalLineEnds(in.clear().flip(), converted, true));
            if (refused != null) {
                return refused;
            }
        }
        if (!complete(d)) {
            keepUnfinished();
            log(false);
            if (endOfData && !d.endedCleanly()) {
                ServerContext.LOG.warning("TLS upload of " + LogField.quote(path) + " by "
                        + LogField.quote(v.user().name())
                        + " ended without close_notify: possibly truncated; kept as unfinished");
                return Outcome.of(426, "Upload ended without TLS close_notify; kept as unfinished (" + position
                        + " bytes).");
            }
            if (endOfData) {
                return Outcome.of(426, "Upload shorter than announced with ALLO (" + received + " of " + announced
                        + " bytes); kept as unfinished.");
            }
            return Outcome.of(426, Transfers.interruption(v) + " " + position + " bytes kept for resume.");
        }
        try {
            journal.markFinished(path);
        } catch (IOException e) {
            ServerContext.LOG.log(Level.WARNING, "cannot clear the upload record of " + LogField.quote(path), e);
        }
        try {
            FileEntry entry = files.stat(path);
            if (inlineDigest != null) {
                v.server().hashes().store(v.user().name(), path, entry.size(), entry.modified(), entry.fileKey(),
                        Md5.hex(inlineDigest.digest()));
            } else if (digest != null) {
                digest.finish(position);
                v.server().hashes().storePending(v.user().name(), path, entry.size(), entry.modified(), entry.fileKey(),
                        digest.result());
            }
        } catch (FsException moved) {
            // Renamed, or a directory on its path swapped, since the open: the bytes are stored all the same;
            // only the digest goes uncached.
        }
        log(true);
        ServerContext.LOG.info(() -> "upload user=" + LogField.quote(v.user().name()) + " path=" + LogField.quote(path)
                + " bytes=" + received);
        String name = mode == UploadMode.UNIQUE ? " FILE: " + VirtualPaths.name(path) : "";
        return Outcome.of(226, "Transfer complete (" + received + " bytes received)." + name);
    }

    /**
     * Reads from the data connection into {@code in}: once, or until it is full when {@code fill} is set.
     * False once the data has ended ({@link #endOfData}) or stopped (aborted, lost, stalled: what arrived
     * stays, resumable; the reply says which).
     */
    private boolean read(DataConnection d, ByteBuffer in, boolean fill) {
        do {
            int n;
            try {
                n = d.read(in);
            } catch (IOException e) {
                ServerContext.LOG.fine(() -> "upload of " + LogField.quote(path) + " stopped: " + e);
                return false;
            }
            if (n < 0) {
                endOfData = !v.transfer().aborted(); // ABOR shuts the socket down, which reads as an end
                return false;
            }
            received += n;
            v.transfer().add(n);
        } while (fill && in.hasRemaining());
        return true;
    }

    private boolean complete(DataConnection d) {
        return endOfData && d.endedCleanly() && (announced < 0 || received >= announced);
    }

    /**
     * From here on the file changes. Unless the whole upload is already in memory ({@code gathered}), it
     * is recorded first, so a crash at any moment leaves a record.
     */
    private void begin(ChargedFile file, long before, boolean gathered) throws IOException {
        v.server().hashes().forget(v.user().name(), path);
        if (!gathered) {
            try {
                journal.markUnfinished(path, start, expectedSize);
            } catch (IOException e) {
                discardCreated(file);
                throw e;
            }
        }
        if (start < before) {
            file.truncate(start);
        }
        position = start;
        if (gathered && start == 0) {
            inlineDigest = Md5.newDigest();
        } else {
            digest = startDigest();
        }
    }

    /** Stores what {@link #read} put in {@code in} (converted for TYPE A); see {@link #store}. */
    private Outcome storeRead(ChargedFile file, ByteBuffer in, ByteBuffer converted) throws IOException {
        in.flip();
        return store(file, converted == null ? in : toLocalLineEnds(in, converted, false));
    }

    /**
     * Writes what {@code bytes} holds at {@link #position} after reserving it, then digests it; null when
     * done, else the reply that ends the upload (552 over quota, 452 disk full).
     */
    private Outcome store(ChargedFile file, ByteBuffer bytes) throws IOException {
        int n = bytes.remaining();
        if (n == 0) {
            return null;
        }
        if (!file.tryGrowTo(position + n)) {
            restoreAfterRefusal(file);
            log(false);
            v.server().events().quotaRefused(v, path, "received=" + received + " limit=" + quota.limit().orElse(0));
            return Outcome.of(552, "Exceeded storage allocation: the upload would pass your quota of "
                    + ByteSize.human(quota.limit().orElse(0)) + "; nothing of it was kept.");
        }
        try {
            ByteBuffer out = bytes.duplicate();
            long p = position;
            while (out.hasRemaining()) {
                p += file.channel().write(out, p);
            }
        } catch (IOException e) {
            if (!FsException.isNoSpace(e)) {
                throw e;
            }
            // Disk full: drop the partial slice, so file size, record and quota agree; keep the rest.
            try {
                file.truncate(position);
            } catch (IOException again) {
                ServerContext.LOG.log(Level.WARNING, "cannot trim " + LogField.quote(path) + " after a full disk",
                        again);
            }
            keepUnfinished();
            log(false);
            ServerContext.LOG.warning("disk full while " + LogField.quote(v.user().name()) + " uploaded "
                    + LogField.quote(path) + "; kept "
                    + position + " bytes as unfinished");
            return Outcome.of(452, "Insufficient storage space on the server; " + position
                    + " bytes kept, resume later.");
        }
        position += n;
        if (inlineDigest != null) {
            inlineDigest.update(bytes);
        } else if (digest != null) {
            digest.advance(position);
        }
        return null;
    }

    /**
     * TYPE A: copies {@code in} to {@code out} (both heap buffers), turning CRLF into LF (a lone CR stays),
     * and returns {@code out} ready to read. A CR at the end of the input is held back until the next call
     * shows what follows; {@code end} flushes it.
     */
    private ByteBuffer toLocalLineEnds(ByteBuffer in, ByteBuffer out, boolean end) {
        byte[] src = in.array();
        byte[] dst = out.array();
        int m = 0;
        for (int i = in.position(); i < in.limit(); i++) {
            byte b = src[i];
            if (heldCr && b != '\n') {
                dst[m++] = '\r';
            }
            heldCr = b == '\r';
            if (!heldCr) {
                dst[m++] = b;
            }
        }
        if (end && heldCr) {
            dst[m++] = '\r';
            heldCr = false;
        }
        return out.clear().limit(m);
    }

    /**
     * Starts digesting the file as it is stored, from byte 0 so a kept prefix counts too; the upload never
     * waits for it. Null when the digest threads are saturated: the upload goes on, HASH reads the file later.
     */
    private FollowingDigest startDigest() {
        FollowingDigest d;
        try {
            d = new FollowingDigest(files.openRead(path));
        } catch (FsException e) {
            return null;
        }
        d.advance(position);
        if (!v.server().digests().trySubmit(d)) {
            d.abandon();
            d.run(); // closes its channel: an abandoned digest returns at once
            return null;
        }
        return d;
    }

    /** Records how far the upload got. The record written at the start stands if this write fails. */
    private void keepUnfinished() {
        try {
            journal.markUnfinished(path, position, expectedSize);
        } catch (IOException e) {
            ServerContext.LOG.log(Level.WARNING, "cannot update the upload record of " + LogField.quote(path)
                    + " (the earlier record stands)", e);
        }
    }

    /**
     * Over quota: the file goes back to where this upload started, through its handle, wherever its name has
     * gone; a new or replaced file then disappears if its name still names it, and its journal record goes
     * too (an appended or resumed one's goes back to the earlier record).
     */
    private void restoreAfterRefusal(ChargedFile file) throws IOException {
        file.truncate(start);
        position = start;
        if (created || mode == UploadMode.REPLACE || mode == UploadMode.UNIQUE) {
            removeIfStillOurs(file);
            journal.markFinished(path);
        } else if (earlier.isPresent()) {
            journal.markUnfinished(path, start, earlier.get().expected());
        } else {
            journal.markFinished(path);
        }
    }

    /** The upload never started: a file this command created is removed again. */
    private void discardCreated(ChargedFile file) {
        if (file.created()) {
            removeIfStillOurs(file);
        }
    }

    /**
     * Removes the upload's name if it still names the upload's file (never a link or a file that took the
     * name since). Its charge goes back when the file is closed: see {@link QuotaLedger#remove}.
     */
    private void removeIfStillOurs(ChargedFile file) {
        try {
            quota.remove(() -> files.deleteIfSame(path, file.fileKey()));
        } catch (FsException e) {
            ServerContext.LOG.log(Level.WARNING, "cannot remove " + LogField.quote(path) + " after a refused upload",
                    e);
        }
    }

    /**
     * A refusal while the client is still sending: the reply goes first (the loop sends it), then what is
     * still coming is dropped, at most {@link #DRAIN_BYTES} or {@link #DRAIN_TIME}, so the connection
     * then ends with a close, not a reset that would reach the client before the reply and make it retry or
     * take the reply for its next command's.
     */
    private Outcome answerThenDrain(DataConnection d, Outcome refusal) {
        refusal.replies().forEach(v.preliminary());
        boolean ended = d.drain(DRAIN_BYTES, DRAIN_TIME);
        if (!ended) {
            ServerContext.LOG.fine(() -> "upload of " + LogField.quote(path) + " by " + LogField.quote(v.user().name())
                    + " refused; the client went on sending past the drain limits");
        }
        return Outcome.answered(refusal.change());
    }

    private void log(boolean complete) {
        v.server().transferEnded(v, path, received, TransferLog.Direction.INCOMING,
                System.currentTimeMillis() - startedMillis, complete);
    }
}
