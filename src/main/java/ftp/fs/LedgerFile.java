package ftp.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * One user's quota ledger as every node sees it: a small text file in the home's bookkeeping folder, read and
 * rewritten only under an {@code fcntl} lock ({@link FileChannel#lock}, which NFSv4 and CephFS honour across
 * machines). It holds the home's cost as last folded in ({@code base}: bytes and entries), whether a
 * fresh measurement is owed ({@code stale}), and one lease per node that reserved space: bytes set aside for
 * that node, with an expiry it renews while it uses them.
 *
 * <pre>
 * ftpd-ledger 1
 * base BYTES FILES
 * stale 0|1
 * lease NODE BYTES EXPIRES_EPOCH_MILLIS
 * </pre>
 *
 * The lock is taken on a separate, never replaced file ({@code quota-ledger.lock}); the ledger itself is
 * written to a temporary file named after the node and renamed over the old one, so a node killed while
 * writing leaves the old ledger or the new one, never half of one. A JVM cannot hold two overlapping locks
 * on one file, so the file lock is paired with an in-process monitor (one of a fixed set, chosen by the
 * file's path). Every file is opened through a handle on the bookkeeping folder, so a link a local user swaps
 * in for the folder never sends a write outside the home. Blocking: worker threads only.
 */
final class LedgerFile {
    static final String NAME = "quota-ledger";
    private static final String MAGIC = "ftpd-ledger 1";
    private static final int MAX_BYTES = 1 << 20;
    private static final Object[] IN_PROCESS = new Object[64];

    static {
        for (int i = 0; i < IN_PROCESS.length; i++) {
            IN_PROCESS[i] = new Object();
        }
    }

    /** A node's reservation. */
    record Lease(String node, long bytes, long expires) {
        /** Past its expiry, or held by an earlier process of node {@code own} that is gone. */
        boolean lapsed(long now, String own) {
            return expires <= now || NodeInstance.earlierProcessOf(node, own);
        }
    }

    /** The ledger's content, read under the lock and changed by the caller before it is written back. */
    static final class Book {
        long baseBytes;
        long baseFiles;
        /** Unreadable or missing, or a lease went without being folded: a fresh measurement is owed. */
        boolean stale;
        final List<Lease> leases = new ArrayList<>();

        Lease leaseOf(String node) {
            for (Lease l : leases) {
                if (l.node().equals(node)) {
                    return l;
                }
            }
            return null;
        }

        /** A lease of 0 bytes still says the node uses the ledger, and may have changes not yet folded. */
        void putLease(String node, long bytes, long expires) {
            leases.removeIf(l -> l.node().equals(node));
            leases.add(new Lease(node, bytes, expires));
        }

        /** Bytes leased to nodes other than {@code node}, expired or not: unknown until measured. */
        long leasedToOthers(String node) {
            long sum = 0;
            for (Lease l : leases) {
                if (!l.node().equals(node)) {
                    sum += l.bytes();
                }
            }
            return sum;
        }

        /** Whether another node holds a lease it still renews. */
        boolean othersActive(String node, long now) {
            for (Lease l : leases) {
                if (!l.node().equals(node) && !l.lapsed(now, node)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** What runs under the lock. */
    @FunctionalInterface
    interface Update<T> {
        T apply(Book book) throws IOException;
    }

    private final Path home;
    private final Path lockName = Path.of(NAME + ".lock");
    private final Path name = Path.of(NAME);
    private final Path tempName;
    private final LongAdder lockCount;

    /** {@code lockCount} counts every acquisition of the file lock (for the metrics page). */
    LedgerFile(Path home, String node, LongAdder lockCount) {
        this.home = home;
        this.tempName = Path.of(NAME + ".new-" + node);
        this.lockCount = lockCount;
    }

    /** Reads the ledger under its lock, lets {@code update} change it, and writes it back if it returned. */
    <T> T update(Update<T> update) throws IOException {
        synchronized (IN_PROCESS[Math.floorMod(home.hashCode(), IN_PROCESS.length)]) {
            try (SecureDirectoryStream<Path> dir = Jail.openBookkeeping(home);
                    FileChannel locked = fileChannel(dir.newByteChannel(lockName, Set.<OpenOption>of(
                            StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                            LinkOption.NOFOLLOW_LINKS)));
                    FileLock lock = locked.lock()) {
                lockCount.increment();
                assert lock.isValid();
                Book book = read(dir);
                T result = update.apply(book);
                write(dir, book);
                return result;
            }
        }
    }

    /** Locks need a file channel; a handle's channel is one on every platform with handles. */
    private static FileChannel fileChannel(SeekableByteChannel channel) throws IOException {
        if (channel instanceof FileChannel file) {
            return file;
        }
        channel.close();
        throw new IOException("this platform cannot lock a file opened through a directory handle");
    }

    private Book read(SecureDirectoryStream<Path> dir) throws IOException {
        try (FileChannel channel = fileChannel(dir.newByteChannel(name, Set.<OpenOption>of(StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)))) {
            return read(channel);
        } catch (NoSuchFileException e) {
            Book book = new Book();
            book.stale = true;
            return book;
        }
    }
    private static Book read(FileChannel channel) throws IOException {
        Book book = new Book();
        long size = channel.size();
        if (size == 0 || size > MAX_BYTES) {
            book.stale = true;
            return book;
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
            // positional reads until full
        }
        String[] lines = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).split("\n");
        try {
            if (!lines[0].equals(MAGIC)) {
                throw new IllegalArgumentException("not a ledger");
            }
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].split(" ");
                switch (f[0]) {
                    case "base" -> {
                        book.baseBytes = Long.parseLong(f[1]);
                        book.baseFiles = Long.parseLong(f[2]);
                    }
                    case "stale" -> book.stale |= f[1].equals("1");
                    case "lease" -> book.leases.add(new Lease(f[1], Long.parseLong(f[2]), Long.parseLong(f[3])));
                    default -> throw new IllegalArgumentException("unknown line");
                }
            }
        } catch (RuntimeException e) {
            // A torn write (a node killed while writing): nothing in it can be trusted; measure again.
            Book fresh = new Book();
            fresh.stale = true;
            return fresh;
        }
        return book;
    }

    private void write(SecureDirectoryStream<Path> dir, Book book) throws IOException {
        StringBuilder b = new StringBuilder(MAGIC).append('\n');
        b.append("base ").append(book.baseBytes).append(' ').append(book.baseFiles).append('\n');
        b.append("stale ").append(book.stale ? 1 : 0).append('\n');
        for (Lease l : book.leases) {
            b.append("lease ").append(l.node()).append(' ').append(l.bytes()).append(' ').append(l.expires())
                    .append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
        try (SeekableByteChannel channel = dir.newByteChannel(tempName, Set.<OpenOption>of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS))) {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
        dir.move(tempName, dir, name); // rename(2) between handles: atomic, replacing the old ledger
    }
}
