package ftp.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * An upload's file, open, and what the quota charges for it: the ledger counts the file at {@code size}
 * bytes (at least a block) and follows every change made through this handle. Growth is reserved before it
 * is written ({@link #tryGrowTo}); a truncation goes through the channel and gives back only what the
 * channel then shows is gone ({@link #truncate}); closing settles with the channel's real size. Nothing here
 * acts on a name, so renaming the file, or planting a link where its name was, changes nothing: the bytes
 * stay charged to the file they are in. Made by {@link QuotaLedger#openForUpload}; the one worker running
 * the upload uses it and closes it.
 */
public final class ChargedFile implements Closeable {
    private final QuotaLedger ledger;
    private final OpenedForWrite opened;
    final Object key;
    /** The size the ledger charges; guarded by the ledger. */
    long size;
    /** Reserved for bytes announced (ALLO) but not yet written; guarded by the ledger. */
    long ahead;
    /** A DELE or RNTO removed the file's name while it was open; guarded by the ledger. */
    boolean unlinked;
    private boolean closed;

    ChargedFile(QuotaLedger ledger, OpenedForWrite opened, Object key) {
        this.ledger = ledger;
        this.opened = opened;
        this.key = key;
        this.size = opened.sizeBefore();
    }

    /** Read and write, never truncated on open. Change its size only through this class. */
    public FileChannel channel() {
        return opened.channel();
    }

    /** Whether opening it created it. */
    public boolean created() {
        return opened.created();
    }

    /** Its size when it was opened. */
    public long sizeBefore() {
        return opened.sizeBefore();
    }

    /** Identifies the file whatever its name (null on platforms without file keys). */
    public Object fileKey() {
        return opened.fileKey();
    }

    /**
     * ALLO: reserves room for {@code bytes} more before any is written; false, reserving nothing, when they do
     * not fit.
     */
    public boolean tryReserve(long bytes) {
        synchronized (ledger) {
            if (!ledger.tryReserve(bytes)) {
                return false;
            }
            ahead += bytes;
            return true;
        }
    }

    /**
     * Before writing up to {@code end}: charges what the file grows by, from what {@link #tryReserve} set
     * aside first. False, charging nothing, when it does not fit.
     */
    public boolean tryGrowTo(long end) {
        synchronized (ledger) {
            if (end <= size) {
                return true;
            }
            long growth = QuotaLedger.fileCost(end) - QuotaLedger.fileCost(size);
            long fromAhead = Math.min(ahead, growth);
            if (growth > fromAhead && !ledger.tryReserve(growth - fromAhead)) {
                return false;
            }
            ahead -= fromAhead;
            size = end;
            return true;
        }
    }

    /** Truncates through the channel to {@code length}, then settles: what really went is given back. */
    public void truncate(long length) throws IOException {
        try {
            opened.channel().truncate(length);
        } finally {
            settle();
        }
    }

    /** Charges the file at its real size, as the channel reports it (after a failed write, a truncation). */
    public void settle() throws IOException {
        long real = opened.channel().size();
        synchronized (ledger) {
            ledger.adjust(QuotaLedger.fileCost(real) - QuotaLedger.fileCost(size));
            size = real;
        }
    }

    /**
     * Settles, closes the channel, and gives back what was reserved ahead (and everything, if the name was
     * removed). Closing again does nothing.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (opened.channel().isOpen()) {
                settle();
            }
        } finally {
            try {
                opened.channel().close();
            } finally {
                ledger.closed(this);
            }
        }
    }
}
