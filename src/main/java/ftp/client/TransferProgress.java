package ftp.client;

import java.util.function.LongConsumer;

/**
 * How transfers show their progress: a bar of its own for a single file, or one bar for a batch of files (a folder,
 * a glob) that counts every file's bytes and names the file moving now. Main thread.
 */
final class TransferProgress {
    private final ShellSession session;
    /** The batch's bar; null for a single file. */
    private final ProgressBar batch;
    private ProgressBar current;
    /** Batch: bytes moved by the files already ended. */
    private long movedBefore;
    private long movedNow;

    private TransferProgress(ShellSession session, ProgressBar batch) {
        this.session = session;
        this.batch = batch;
    }

    static TransferProgress single(ShellSession session) {
        return new TransferProgress(session, null);
    }

    /** One bar for files of {@code total} bytes together. */
    static TransferProgress batch(ShellSession session, long total) {
        return new TransferProgress(session, session.progress(total, 0));
    }

    /** True for a single file, which tells the seed's messages; a batch only says what went wrong, then a summary. */
    boolean single() {
        return batch == null;
    }

    /** A file starts moving ({@code alreadyThere} of its {@code size} bytes were there); feed it the bytes moved. */
    LongConsumer start(String label, long size, long alreadyThere) {
        if (batch == null) {
            current = session.progress(size, alreadyThere);
            return current;
        }
        batch.label(label);
        batch.alreadyThere(alreadyThere);
        movedNow = 0;
        return moved -> {
            movedNow = moved;
            batch.accept(movedBefore + moved);
        };
    }

    /** The file started last ended, completely or not. */
    void end(boolean complete) {
        if (batch == null) {
            if (complete) {
                current.finish();
            } else {
                current.abandon();
            }
            return;
        }
        movedBefore += movedNow;
        movedNow = 0;
    }

    /** Batch: a file that needs no transfer (already there) counts as done. */
    void skip(long size) {
        if (batch != null) {
            batch.alreadyThere(size);
            batch.accept(movedBefore);
        }
    }

    /** Makes room for a message under the bar. */
    void beforeMessage() {
        if (batch != null) {
            batch.pause();
        }
    }

    /** Batch: the last line of the bar, full when every file completed (and then without a file's name). */
    void finish(boolean complete) {
        if (batch != null) {
            if (complete) {
                batch.finish();
            } else {
                batch.abandon();
            }
        }
    }
}
