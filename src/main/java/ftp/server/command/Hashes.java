package ftp.server.command;

import ftp.fs.FileEntry;
import ftp.fs.FsException;
import ftp.fs.HashCache;
import ftp.fs.Md5;
import ftp.server.FtpReplyException;
import ftp.server.Outcome;
import ftp.server.Reply;
import ftp.server.Session;
import ftp.server.SessionView;
import ftp.server.TransferOptions;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * HASH (draft-bryan-ftpext-hash, MD5 only), RANG for a byte range, and XMD5. A whole-file digest comes from
 * the cache when the upload computed it or an earlier HASH did (when the upload's digest is still running,
 * the session waits for it on the selector thread: no worker does); otherwise it is read on a worker. Reading
 * huge files is bounded: at most a few digests run at once, the rest are told to retry, so HASH floods
 * cannot take every worker. Ranges use {@code start-end} with {@code end} exclusive ({@code 0-SIZE} is the
 * whole file).
 */
public final class Hashes {
    /** How long HASH waits (on the selector thread, no worker held) for an upload's digest to catch up. */
    private static final Duration PENDING_WAIT = Duration.ofMinutes(2);
    private static final Semaphore READERS = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));

    private Hashes() {}

    public static Reply rang(Session s, String arg) throws FtpReplyException {
        String[] f = arg.trim().split("\\s+");
        if (f.length != 2 || !f[0].matches("\\d{1,18}") || !f[1].matches("\\d{1,18}")) {
            throw new FtpReplyException(501, "Syntax: RANG start end");
        }
        long start = Long.parseLong(f[0]);
        long end = Long.parseLong(f[1]);
        if (start == 1 && end == 0) { // the draft's way to reset
            s.options().resetRange();
            return new Reply(350, "Range reset.");
        }
        if (end < start) {
            throw new FtpReplyException(501, "RANG end must not be before start.");
        }
        s.options().setRange(start, end);
        return new Reply(350, "Restarting at " + start + ". Ending byte range at " + end + ".");
    }

    public static Outcome hash(SessionView v, String arg) throws FtpReplyException {
        String path = v.resolve(arg);
        FileEntry e = FileCommands.regularFile(v, path);
        TransferOptions.Snapshot o = v.options();
        long start = o.rangeStart() < 0 ? 0 : o.rangeStart();
        long end = o.rangeEnd() < 0 ? e.size() : Math.min(o.rangeEnd(), e.size());
        if (start > end) {
            throw new FtpReplyException(556, "Range start is past the end of the file.");
        }
        return answer(v, "HASH", path, e, start, end,
                hex -> Outcome.of(213, "MD5 " + start + "-" + end + " " + hex + " " + path));
    }

    public static Outcome xmd5(SessionView v, String arg) throws FtpReplyException {
        String path = v.resolve(arg);
        FileEntry e = FileCommands.regularFile(v, path);
        return answer(v, "XMD5", path, e, 0, e.size(), hex -> Outcome.of(250, hex));
    }

    /**
     * The reply for the digest of {@code [start, end)} of the file {@code e} at {@code path}: from the cache,
     * read here, or, while an upload's digest is still catching up, an outcome that makes the session wait
     * for it on the selector thread, so this worker is free at once.
     */
    private static Outcome answer(SessionView v, String verb, String path, FileEntry e, long start, long end,
                                  Function<String, Outcome> reply) throws FtpReplyException {
        HashCache cache = v.server().hashes();
        boolean whole = start == 0 && end == e.size();
        if (whole) {
            Optional<CompletableFuture<String>> known = cache.lookup(v.user().name(), path, e.size(), e.modified(),
                    e.fileKey());
            if (known.isPresent()) {
                CompletableFuture<String> hex = known.get();
                if (!hex.isDone()) {
                    CompletableFuture<Outcome> later = hex.handle((done, failure) ->
                            failure != null ? Outcome.of(450, "The file changed or its digest failed while " + verb
                                    + " waited; send " + verb + " again.")
                                    : unchanged(v, path, e) ? reply.apply(done)
                                    : Outcome.of(450, "The file changed while " + verb + " waited; send " + verb
                                    + " again."));
                    return Outcome.answered(s -> s.awaitAtMost(later, PENDING_WAIT, new Reply(450,
                            "The file's digest is still being computed after " + PENDING_WAIT.toSeconds()
                                    + " s; try again later.")));
                }
                if (!hex.isCompletedExceptionally()) {
                    return reply.apply(hex.join());
                }
                // abandoned or failed: read the file below
            }
        }
        return reply.apply(read(v, path, e, start, end));
    }

    /**
     * Still the version of the file the digest was stored for? Runs on the thread that completes the digest
     * (or the worker), never on the selector thread.
     */
    private static boolean unchanged(SessionView v, String path, FileEntry e) {
        try {
            FileEntry now = v.user().files().stat(path);
            return now.size() == e.size() && now.modified().equals(e.modified())
                    && Objects.equals(now.fileKey(), e.fileKey());
        } catch (FsException gone) {
            return false;
        }
    }

    private static String read(SessionView v, String path, FileEntry e, long start, long end)
            throws FtpReplyException {
        if (!READERS.tryAcquire()) {
            throw new FtpReplyException(450, "Too many digests running; try again shortly.");
        }
        try (FileChannel ch = v.user().files().openRead(path)) {
            String hex = Md5.digest(ch, start, end);
            if (start == 0 && end == e.size()) {
                v.server().hashes().store(v.user().name(), path, e.size(), e.modified(), e.fileKey(), hex);
            }
            return hex;
        } catch (FsException ex) {
            throw FsReplies.of(ex);
        } catch (IOException ex) {
            throw new FtpReplyException(451, "Cannot read the file.");
        } finally {
            READERS.release();
        }
    }
}
