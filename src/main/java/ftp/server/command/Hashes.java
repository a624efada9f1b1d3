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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HASH (draft-bryan-ftpext-hash, MD5 only), RANG for a byte range, and XMD5. A whole-file digest comes from
 * the cache when the upload computed it or an earlier HASH did; otherwise it is read on a worker. Reading
 * huge files is bounded: at most a few digests run at once, the rest are told to retry, so HASH floods
 * cannot take every worker. Ranges use {@code start-end} with {@code end} exclusive ({@code 0-SIZE} is the
 * whole file).
 */
public final class Hashes {
    private static final long PENDING_WAIT_MINUTES = 10;
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
        String hex = digest(v, path, e, start, end);
        return Outcome.of(213, "MD5 " + start + "-" + end + " " + hex + " " + path);
    }

    public static Outcome xmd5(SessionView v, String arg) throws FtpReplyException {
        String path = v.resolve(arg);
        FileEntry e = FileCommands.regularFile(v, path);
        return Outcome.of(250, digest(v, path, e, 0, e.size()));
    }

    private static String digest(SessionView v, String path, FileEntry e, long start, long end)
            throws FtpReplyException {
        HashCache cache = v.server().hashes();
        boolean whole = start == 0 && end == e.size();
        if (whole) {
            Optional<CompletableFuture<String>> known = cache.lookup(v.user().name(), path, e.size(), e.modified(),
                    e.fileKey());
            if (known.isPresent()) {
                try {
                    // An upload's digest may still be catching up with the bytes it stored: wait for the rest.
                    return known.get().get(PENDING_WAIT_MINUTES, TimeUnit.MINUTES);
                } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException failed) {
                    // abandoned or slow: read the file below
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new FtpReplyException(451, "Interrupted.");
                }
            }
        }
        if (!READERS.tryAcquire()) {
            throw new FtpReplyException(450, "Too many digests running; try again shortly.");
        }
        try (FileChannel ch = v.user().files().openRead(path)) {
            String hex = Md5.digest(ch, start, end);
            if (whole) {
                cache.store(v.user().name(), path, e.size(), e.modified(), e.fileKey(), hex);
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
