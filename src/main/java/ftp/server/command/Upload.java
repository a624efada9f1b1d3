package ftp.server.command;

import ftp.fs.ByteSize;
import ftp.fs.FileEntry;
import ftp.fs.FollowingDigest;
import ftp.fs.FsException;
import ftp.fs.Md5;
import ftp.fs.OpenedForWrite;
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
import ftp.server.data.DataConnections;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Level;

/**
 * One upload (STOR, REST+STOR, APPE, STOU) from start to end, on one worker.
 *
 * <ul>
 * <li>Quota: space is reserved before each write (all of an {@code ALLO} size before the first byte), so
 *     sessions of the same user racing each other can never pass the limit together. An upload that runs
 *     past it gets 552 and the file goes back to how it was before: a new or replaced file is removed, an
 *     appended or resumed one truncated to where it started, and its journal record restored.</li>
 * <li>Resume: the file is changed only once the data connection is up. The first
 *     {@value #FIRST_CHUNK} bytes are gathered before anything is written: an upload that ends cleanly
 *     within them (most files) is stored with one write and needs no record. A longer one is recorded as
 *     unfinished before its first byte is written and marked finished only when complete. Whatever stops
 *     it (ABOR, a lost connection, fewer bytes than ALLO announced, a full disk, {@code kill -9}) leaves the
 *     bytes received so far at the target, resumable with REST+STOR or APPE, and listed by SITE UPLOADS.</li>
 * <li>MD5: digested from the stored bytes (a resumed file's kept prefix first) by an idle-priority digest
 *     thread that follows the writer, or catches up after an upload that outruns MD5 (a gathered upload is
 *     digested from memory), and stored in the hash cache under the final size and mtime, so HASH after the
 *     upload waits at most for what the digest has left and never reads the file again.</li>
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

    private final SessionView v;
    private final String path;
    private final UploadMode mode;
    private final UserFileSystem files;
    private final QuotaLedger quota;
    private final UploadJournal journal;
    private final long startedMillis = System.currentTimeMillis();
    /** The ALLO size (bytes the client will send), or -1. */
    private final long announced;

    /** Reserved in the quota but not yet written. */
    private long reserved;
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
        OpenedForWrite opened;
        try {
            opened = files.openWrite(path, mode == UploadMode.UNIQUE);
        } catch (FsException e) {
            throw FsReplies.of(e);
        }
        try (FileChannel file = opened.channel()) {
            return receive(opened, file);
        } catch (IOException e) {
            if (FsException.isNoSpace(e)) {
                log(false);
                return Outcome.of(452, "Insufficient storage space on the server.");
            }
            ServerContext.LOG.log(Level.WARNING, "upload of " + LogField.quote(path) + " by "
                    + LogField.quote(v.user().name()) + " failed", e);
            throw new FtpReplyException(451, "Local error while writing the file.");
        } finally {
            if (reserved > 0) {
                quota.release(reserved);
                reserved = 0;
            }
            if (digest != null) {
                digest.abandon(); // no-op once finished
            }
        }
    }

    private Outcome receive(OpenedForWrite opened, FileChannel file) throws IOException, FtpReplyException {
        long before = opened.sizeBefore();
        created = opened.created();
        start = switch (mode) {
            case REPLACE, UNIQUE -> 0;
            case APPEND -> before;
            case RESUME -> v.options().restOffset();
        };
        if (start > before) {
            discardCreated(opened);
            throw new FtpReplyException(554, "Restart offset " + start + " is past the end of the file (" + before
                    + " bytes); resume from at most there.");
        }
        if (announced > 0 && !quota.tryReserve(announced)) {
            discardCreated(opened);
            v.server().events().quotaRefused(v, path, "announced=" + announced + " available=" + quota.available());
            throw new FtpReplyException(552, "Exceeded storage allocation: " + announced + " bytes announced, "
                    + quota.available() + " available.");
        }
        reserved = Math.max(0, announced);
        if (mode == UploadMode.RESUME || mode == UploadMode.APPEND) {
            earlier = journal.list().stream().filter(r -> r.path().equals(path)).findFirst();
        }
        expectedSize = announced >= 0 ? OptionalLong.of(start + announced) : OptionalLong.empty();
        v.transfer().expect(announced);
        v.preliminary().accept(new Reply(150, mode == UploadMode.UNIQUE
                ? "FILE: " + VirtualPaths.name(path)
                : "Ok to send data for " + VirtualPaths.name(path) + "."));

        DataConnection data;
        try {
            data = DataConnections.open(v);
        } catch (FtpReplyException e) {
            discardCreated(opened);
            throw e;
        }
        try (DataConnection d = data) {
            return transfer(d, opened, file, before);
        }
    }

    private Outcome transfer(DataConnection d, OpenedForWrite opened, FileChannel file, long before)
            throws IOException {
        d.setReadTimeout((int) Math.min(Integer.MAX_VALUE, v.server().settings().dataTimeout().toMillis()));
        // Binary over a plain connection: socket to direct buffer to file, no copy through the heap.
        boolean binary = v.options().binary();
        ByteBuffer in = binary && !d.isTls() ? DIRECT_BUFFER.get() : ByteBuffer.allocate(Transfers.BUFFER);
        ByteBuffer converted = binary ? null : ByteBuffer.allocate(Transfers.BUFFER + 1);
        in.clear().limit(FIRST_CHUNK);
        boolean more = read(d, in, true);
        begin(opened, file, before, !more && complete(d));
        Outcome refused = storeRead(file, in, converted);
        while (more && refused == null) {
            in.clear();
            more = read(d, in, false);
            refused = storeRead(file, in, converted);
        }
        if (refused != null) {
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
                v.server().hashes().store(v.user().name(), path, entry.size(), entry.modified(),
                        Md5.hex(inlineDigest.digest()));
            } else if (digest != null) {
                digest.finish(position);
                v.server().hashes().storePending(v.user().name(), path, entry.size(), entry.modified(),
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
    private void begin(OpenedForWrite opened, FileChannel file, long before, boolean gathered) throws IOException {
        v.server().hashes().forget(v.user().name(), path);
        if (!gathered) {
            try {
                journal.markUnfinished(path, start, expectedSize);
            } catch (IOException e) {
                discardCreated(opened);
                throw e;
            }
        }
        if (start < before) {
            file.truncate(start);
            quota.adjust(-(before - start));
        }
        position = start;
        if (gathered && start == 0) {
            inlineDigest = Md5.newDigest();
        } else {
            digest = startDigest();
        }
    }

    /** Stores what {@link #read} put in {@code in} (converted for TYPE A); see {@link #store}. */
    private Outcome storeRead(FileChannel file, ByteBuffer in, ByteBuffer converted) throws IOException {
        in.flip();
        return store(file, converted == null ? in : toLocalLineEnds(in, converted, false));
    }

    /**
     * Writes what {@code bytes} holds at {@link #position} after reserving it, then digests it; null when
     * done, else the reply that ends the upload (552 over quota, 452 disk full).
     */
    private Outcome store(FileChannel file, ByteBuffer bytes) throws IOException {
        int n = bytes.remaining();
        if (n == 0) {
            return null;
        }
        if (!reserve(n)) {
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
                p += file.write(out, p);
            }
        } catch (IOException e) {
            if (!FsException.isNoSpace(e)) {
                throw e;
            }
            // Disk full: drop the partial slice, so file size, record and quota agree; keep the rest.
            quota.release(n);
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

    /** Takes {@code n} bytes from the ALLO reservation, or reserves them now; false when over quota. */
    private boolean reserve(int n) {
        if (reserved >= n) {
            reserved -= n;
            return true;
        }
        if (!quota.tryReserve(n - reserved)) {
            return false;
        }
        reserved = 0;
        return true;
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

    /** Over quota: a new or replaced file disappears, an appended or resumed one goes back to its start. */
    private void restoreAfterRefusal(FileChannel file) throws IOException {
        quota.release(position - start);
        if (created || mode == UploadMode.REPLACE || mode == UploadMode.UNIQUE) {
            files.delete(path);
            journal.markFinished(path);
        } else {
            file.truncate(start);
            if (earlier.isPresent()) {
                journal.markUnfinished(path, start, earlier.get().expected());
            } else {
                journal.markFinished(path);
            }
        }
        position = start;
    }

    /** The upload never started: a file this command created is removed again. */
    private void discardCreated(OpenedForWrite opened) {
        if (opened.created()) {
            try {
                files.delete(path);
            } catch (FsException e) {
                ServerContext.LOG.log(Level.WARNING, "cannot remove the empty file " + LogField.quote(path), e);
            }
        }
    }

    private void log(boolean complete) {
        v.server().transferEnded(v, path, received, TransferLog.Direction.INCOMING,
                System.currentTimeMillis() - startedMillis, complete);
    }
}
