package ftp.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * One user's storage account, shared by all of that user's sessions: what the home costs, and the two limits
 * (bytes, and files and folders). One rule prices the home, here and in a fresh measurement alike
 * ({@link #costOf}): a regular file costs its size but at least one {@link #BLOCK}, a folder one block, a
 * link nothing; every file and folder also counts once against the file limit, as ProFTPD's and XFS's quotas
 * charge. Usage lives only in memory and is measured from the disk on first use after each start
 * ({@link #recompute}), so a killed server cannot leave a wrong record behind.
 *
 * <p>Charges follow the entries, never names. Space is taken before anything is created or written, so
 * sessions racing each other can never together pass a limit, and given back only for what is really gone:
 * a removal reports the attributes of what it removed. An upload's file is charged through its open handle
 * ({@link ChargedFile}) and registered by its file key while open; a DELE or RNTO that removes its name
 * leaves the charge with the upload, which gives it back once it closes the file and the bytes are freed.
 * One upload at a time may write a file ({@link FsException.Kind#BUSY}), so one handle tracks each size.
 *
 * <p>Thread-safe. Changes to the home's entries and their accounting run together under {@link #changes}
 * (entry operations of the user's sessions are few and quick; the lock keeps a removal and an upload's open
 * or close in one order); the arithmetic runs under the ledger's monitor, always taken after it.
 *
 * <p>Shared by several nodes over one home root ({@link #shared}), the ledger's truth is the user's
 * {@link LedgerFile}: this node takes space from it a chunk at a time (a lease) under the file's lock, spends
 * the lease here without the lock, and folds what it spent back into the file (and returns the rest) when
 * its last upload of the user ends, when it needs more, when the lease must be renewed, and on SITE QUOTA.
 * A lease found expired (a node that died) stays counted, conservatively, until the home can be measured
 * afresh: under the lock, while no other node holds a live lease and this one writes nothing.
 */
public final class QuotaLedger {
    /** What every file and folder costs at least: one block of the usual 4 KiB file-system block. */
    public static final long BLOCK = 4096;

    private static final Logger LOG = Logger.getLogger("ftpd");

    /** A change of the home's entries, run under the ledger's lock. */
    @FunctionalInterface
    public interface Change<T> {
        T run() throws FsException;
    }

    /** Opens an upload's file; {@code mayCreate} says whether the quota has room for a new one. */
    @FunctionalInterface
    public interface Opening {
        OpenedForWrite open(boolean mayCreate) throws FsException;
    }

    private final String user;
    private long used;   // bytes: the home's cost plus reservations
    private long files;  // files and folders
    private long limit;  // < 0: unlimited
    private long fileLimit;  // < 0: unlimited
    private final Object changes = new Object();
    private final Map<Object, ChargedFile> writing = new HashMap<>();  // guarded by changes
    private final Object measuring = new Object();
    private boolean measured;  // guarded by measuring
    private final LedgerFile file;  // null: this process alone keeps the ledger, in memory
    private final LeaseTerms terms;
    private final Path home;
    // Shared ledgers only, guarded by this: the lease held, when it expires, and what used and files were
    // when last folded into the file (what they gained since is this node's share not yet folded).
    private long leased;
    private long leaseExpires;
    private long foldedUsed;
    private long foldedFiles;
    private long leasedToOthers;
    private boolean registered;  // this node has a lease in the file (perhaps of 0 bytes)
    private boolean othersPresent;  // other nodes had leases in the file when it was last read

    public QuotaLedger(String user, OptionalLong limit, OptionalLong fileLimit) {
        this(user, limit, fileLimit, null, null, null);
    }

    private QuotaLedger(String user, OptionalLong limit, OptionalLong fileLimit, Path home, LedgerFile file,
            LeaseTerms terms) {
        this.user = user;
        this.limit = toField(limit);
        this.fileLimit = toField(fileLimit);
        this.home = home;
        this.file = file;
        this.terms = terms;
    }

    /**
     * A ledger kept in {@code home}'s bookkeeping folder (created if missing) and shared with every node that
     * uses the same home, on the given terms.
     */
    public static QuotaLedger shared(String user, OptionalLong limit, OptionalLong fileLimit, Path home,
            LeaseTerms terms) throws IOException {
        Path bookkeeping = home.resolve(Jail.BOOKKEEPING_NAME);
        if (!Files.exists(bookkeeping, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(bookkeeping);
        }
        return new QuotaLedger(user, limit, fileLimit, home, new LedgerFile(home, terms.node(), terms.locks()), terms);
    }

    /** A file limit as admins write it ({@code 100000}, {@code none}); none or unlimited gives an empty value. */
    public static OptionalLong parseFileLimit(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("none") || s.equals("unlimited")) {
            return OptionalLong.empty();
        }
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("not a number of files: " + text + " (use e.g. 100000 or none)");
        }
        return OptionalLong.of(Long.parseLong(s));
    }

    /** The form {@link #parseFileLimit} reads: the count, or {@code none}. */
    public static String fileLimitText(OptionalLong limit) {
        return limit.isPresent() ? Long.toString(limit.getAsLong()) : "none";
    }

    /** What one entry costs in bytes: a regular file its size (at least a block), a folder a block, else 0. */
    public static long costOf(BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
            return fileCost(attrs.size());
        }
        return attrs.isDirectory() ? BLOCK : 0;
    }

    /** Whether an entry counts against the file limit: regular files and folders do. */
    static boolean counts(BasicFileAttributes attrs) {
        return attrs.isRegularFile() || attrs.isDirectory();
    }

    static long fileCost(long size) {
        return Math.max(size, BLOCK);
    }

    public synchronized long used() {
        return used;
    }

    /** Bytes the other nodes sharing this ledger held in leases when it was last read (0 when not shared). */
    synchronized long leasedToOthers() {
        return leasedToOthers;
    }

    /** Files and folders in the home. */
    public synchronized long files() {
        return files;
    }

    public synchronized OptionalLong limit() {
        return limit < 0 ? OptionalLong.empty() : OptionalLong.of(limit);
    }

    public synchronized OptionalLong fileLimit() {
        return fileLimit < 0 ? OptionalLong.empty() : OptionalLong.of(fileLimit);
    }

    /** Takes effect at once for every session of the user. */
    public synchronized void setLimits(OptionalLong newLimit, OptionalLong newFileLimit) {
        limit = toField(newLimit);
        fileLimit = toField(newFileLimit);
    }

    /** Bytes that may still be reserved: never negative, {@link Long#MAX_VALUE} when unlimited. */
    public synchronized long available() {
        return limit < 0 ? Long.MAX_VALUE : Math.max(0, limit - used - leasedToOthers);
    }

    /**
     * MKD: charges one more folder (a block and one entry), then runs {@code create}, and gives the charge
     * back if it fails. False, with nothing run, when the folder does not fit.
     */
    public boolean tryCreateFolder(Change<?> create) throws FsException {
        synchronized (changes) {
            if (!addEntryOrRefuse()) {
                return false;
            }
            boolean created = false;
            try {
                create.run();
                created = true;
            } finally {
                if (!created) {
                    removeEntry(BLOCK);
                }
                foldIfShared();
            }
            return true;
        }
    }

    /**
     * DELE, RMD, RNTO: runs {@code change}, which returns the attributes of the entry it removed (read just
     * before removing it) or null, and gives back that entry's cost. A file an upload holds open keeps its
     * charge until the upload closes it: until then its bytes still take space, and may still grow.
     */
    public void remove(Change<BasicFileAttributes> change) throws FsException {
        synchronized (changes) {
            BasicFileAttributes gone = change.run();
            if (gone == null || !counts(gone)) {
                return;
            }
            ChargedFile open = gone.fileKey() == null ? null : writing.get(gone.fileKey());
            if (open != null) {
                synchronized (this) {
                    open.unlinked = true;
                }
            } else {
                removeEntry(costOf(gone));
                foldIfShared();
            }
        }
    }

    /**
     * Opens an upload's file. {@code opening} is told whether a missing file may be created: the charge
     * of a new file (a block and one entry) is taken first and given back unless it was created.
     *
     * @throws FsException BUSY when another upload is writing the same file; OVER_QUOTA comes from
     *     {@code opening} when it needed to create and may not
     */
    public ChargedFile openForUpload(Opening opening) throws FsException {
        synchronized (changes) {
            boolean room = addEntryOrRefuse();
            OpenedForWrite opened;
            try {
                opened = opening.open(room);
            } catch (FsException | RuntimeException e) {
                if (room) {
                    removeEntry(BLOCK);
                }
                throw e;
            }
            if (room && !opened.created()) {
                removeEntry(BLOCK);
            }
            // Without file keys (not on Linux) a removal cannot find the upload: the next start measures again.
            Object key = opened.fileKey() != null ? opened.fileKey() : new Object();
            if (writing.containsKey(key)) {
                Jail.closeQuietly(opened.channel());
                throw new FsException(FsException.Kind.BUSY);
            }
            ChargedFile file = new ChargedFile(this, opened, key);
            writing.put(key, file);
            return file;
        }
    }

    /** An upload's file was closed: what it reserved ahead goes back, and all of it if its name was removed. */
    void closed(ChargedFile file) {
        synchronized (changes) {
            writing.remove(file.key, file);
            synchronized (this) {
                release(file.ahead);
                file.ahead = 0;
                if (file.unlinked) {
                    removeEntry(fileCost(file.size));
                }
                if (writing.isEmpty()) {
                    foldIfShared();  // and give the rest of the lease back to the other nodes
                }
            }
        }
    }

    /** Reserves {@code bytes} if they fit under the limit (always, when unlimited); false changes nothing. */
    synchronized boolean tryReserve(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative reservation: " + bytes);
        }
        if (file != null && limit >= 0) {
            return tryReserveShared(bytes);
        }
        if (limit >= 0 && bytes > limit - used) {
            return false;
        }
        used = saturatedAdd(used, bytes);
        return true;
    }

    /** From the lease while it holds {@code bytes} and is not due for renewal; else under the file's lock. */
    private boolean tryReserveShared(long bytes) {
        long spent = used - foldedUsed;
        boolean fresh = terms.clock().millis() < leaseExpires - terms.time().toMillis() / 2;
        if (fresh && bytes <= leased - spent) {
            used = saturatedAdd(used, bytes);
            return true;
        }
        try {
            return sync(bytes, false, false);
        } catch (IOException e) {
            throw new UncheckedIOException("quota ledger of " + user + " unavailable", e);
        }
    }

    /**
     * Under the ledger file's lock: folds what this node spent since the last fold into the file, reclaims
     * (by a fresh measurement) the leases of nodes that died if nobody else is active, then sets this node's
     * lease: none when {@code giveBack}, else enough for {@code need} more bytes (a chunk when there is room),
     * which it reserves. False, with nothing reserved, when {@code need} does not fit.
     * {@code measureIfQuiet} measures the home whenever nobody else is active (a node's first use of the
     * ledger since its start, as a single server does).
     */
    private synchronized boolean sync(long need, boolean measureIfQuiet, boolean giveBack) throws IOException {
        long now = terms.clock().millis();
        String node = terms.node();
        return file.update(book -> {
            LedgerFile.Lease mine = book.leaseOf(node);
            long spent = used - foldedUsed;
            if (mine == null && registered) {
                // Another node took our lease for a dead node's and measured the home. With nothing being
                // written here, that measurement holds all our changes; else they may now count twice.
                if (writing.isEmpty()) {
                    spent = 0;
                    files = foldedFiles;
                }
                // Changes made here since that measurement are dropped or counted twice: measure again.
                book.stale = true;
            }
            book.baseBytes = Math.max(0, saturatedAdd(book.baseBytes, spent));
            book.baseFiles = Math.max(0, book.baseFiles + (files - foldedFiles));
            long left = mine == null ? 0 : Math.max(0, leased - Math.max(0, spent));
            for (LedgerFile.Lease l : book.leases) {
                book.stale |= !l.node().equals(node) && l.lapsed(now, node);
            }
            boolean quiet = !book.othersActive(node, now) && writing.isEmpty();
            if ((book.stale || measureIfQuiet) && quiet) {
                HomeUsage.Usage usage = HomeUsage.measure(home);
                book.leases.removeIf(l -> !l.node().equals(node));
                book.baseBytes = usage.bytes();
                book.baseFiles = usage.files();
                book.stale = false;
                synchronized (measuring) {
                    measured = true;
                }
            }
            long others = book.leasedToOthers(node);
            long lease = giveBack ? 0 : left;
            boolean granted = true;
            if (need > left) {
                long room = limit < 0 ? Long.MAX_VALUE : limit - book.baseBytes - others;
                long wanted = Math.max(need, terms.chunk());
                if (need > room) {
                    granted = false;
                } else {
                    lease = Math.min(wanted, room);
                }
            }
            book.putLease(node, lease, now + terms.time().toMillis());
            registered = true;
            leased = lease;
            leaseExpires = now + terms.time().toMillis();
            leasedToOthers = others;
            othersPresent = book.leases.stream().anyMatch(l -> !l.node().equals(node));
            used = book.baseBytes;
            files = book.baseFiles;
            foldedUsed = used;
            foldedFiles = files;
            if (granted && need > 0) {
                used = saturatedAdd(used, need);
            }
            return granted;
        });
    }

    /**
     * Folds a change into the shared ledger at once when other nodes use it (so they see it), or when this
     * node's lease is due for renewal; gives the lease back when no upload runs. A node alone with the
     * ledger folds lazily: its lease (even of 0 bytes) says it may hold changes, and if it dies the lease
     * lapses and the home is measured afresh. Caller holds {@link #changes}. A failure leaves the change
     * to the next fold.
     */
    private void foldIfShared() {
        if (file == null) {
            return;
        }
        synchronized (this) {
            if (!othersPresent && terms.clock().millis() < leaseExpires - terms.time().toMillis() / 2) {
                return;
            }
        }
        try {
            sync(0, false, writing.isEmpty());
        } catch (IOException e) {
            LOG.warning("quota ledger of " + user + " not updated: " + e);
        }
    }

    /**
     * SITE QUOTA: folds this node's changes into the shared ledger, reclaims dead nodes' leases when it can,
     * and reads what every node folded. Nothing to do for a ledger this process keeps alone. Worker threads.
     */
    public void refresh() throws IOException {
        if (file != null) {
            synchronized (changes) {
                sync(0, false, writing.isEmpty());
            }
        }
    }

    /** Gives back reserved bytes that were not used after all. */
    synchronized void release(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative release: " + bytes);
        }
        adjust(-bytes);
    }

    /** Accounts for a change found rather than reserved (a file's real size). Usage never drops below 0. */
    synchronized void adjust(long delta) {
        long next = saturatedAdd(used, delta);
        if (next < 0) {
            LOG.warning("quota of " + user + " would drop below zero (" + used + " + " + delta + "); kept at 0");
            next = 0;
        }
        used = next;
    }

    /** {@link #tryAddEntry} of a folder's cost, with a shared ledger that cannot be reached refused as a path is. */
    private boolean addEntryOrRefuse() throws FsException {
        try {
            return tryAddEntry(BLOCK);
        } catch (UncheckedIOException e) {
            throw FsException.from(e.getCause());
        }
    }

    private synchronized boolean tryAddEntry(long cost) {
        if (fileLimit >= 0 && files >= fileLimit) {
            return false;
        }
        if (!tryReserve(cost)) {
            return false;
        }
        files++;
        return true;
    }

    private synchronized void removeEntry(long cost) {
        adjust(-cost);
        if (files > 0) {
            files--;
        }
    }

    /**
     * Sets usage to what the home holds now, priced by {@link #costOf}: links not followed, bookkeeping
     * excluded. Reservations of uploads running meanwhile are overwritten, so call it before the user's
     * sessions start (as {@link QuotaRegistry} does) or accept that much drift. Blocking: worker threads only.
     */
    public void recompute(Path home) throws IOException {
        HomeUsage.Usage usage = HomeUsage.measure(home);
        synchronized (this) {
            used = usage.bytes();
            files = usage.files();
        }
        synchronized (measuring) {
            measured = true;
        }
    }

    /** Measures the home unless that has been done since the start; concurrent callers wait for one walk. */
    void recomputeOnce(Path home) throws IOException {
        synchronized (measuring) {
            if (measured) {
                return;
            }
            if (file == null) {
                recompute(home);
                return;
            }
        }
        synchronized (changes) {
            sync(0, true, writing.isEmpty());
        }
        synchronized (measuring) {
            measured = true;  // measured when quiet, else the other nodes' ledger is the truth
        }
    }

    private static long toField(OptionalLong limit) {
        if (limit.isPresent() && limit.getAsLong() < 0) {
            throw new IllegalArgumentException("negative quota: " + limit.getAsLong());
        }
        return limit.orElse(-1);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        if (((a ^ sum) & (b ^ sum)) < 0) {
            return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return sum;
    }
}
