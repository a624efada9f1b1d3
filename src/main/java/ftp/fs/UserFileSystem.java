package ftp.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * One user's files, seen through the jail of their home: every operation FTP commands need, on resolved
 * virtual paths ({@link VirtualPaths#resolve}). Nothing outside the home is read, written, created or
 * deleted, not even in a race (see {@link Jail}); symbolic links count only when they stay inside; the
 * bookkeeping folder {@code /.upload} is refused to every operation and hidden from listings. Special files
 * (pipes, devices, sockets) are neither listed nor opened, and none swapped in for a file or a folder can make
 * an open wait ({@link RegularFiles}, {@link Jail#openDirectory}). Failures are {@link FsException}s whose
 * messages never show a real path.
 *
 * <p>Thread-safe (no mutable state; every call opens and closes its own handles) and blocking: worker
 * threads only.
 */
public final class UserFileSystem {
    /** Most entries one listing returns; a larger directory is cut off (sorted within what was read). */
    public static final int MAX_LISTING = 100_000;

    private static final Logger LOG = Logger.getLogger("ftpd");
    private static final int MAX_OPEN_ATTEMPTS = 8;
    private static final int MAX_UNIQUE_TRIES = 100;

    private final Jail jail;

    /**
     * Opens (and creates when missing) the home, with its bookkeeping folder; what it creates, there and
     * later, gets the modes {@code umask} leaves.
     */
    public UserFileSystem(Path home, Umask umask) throws IOException {
        this.jail = new Jail(home, umask);
    }

    /** The home's real path, for logs only: never show it to a client. */
    public Path home() {
        return jail.realHome();
    }

    /** Facts about a file or directory, following a final link that stays inside the home. */
    public FileEntry stat(String vpath) throws FsException {
        try (Jail.Spot spot = jail.locate(vpath, true)) {
            BasicFileAttributes attrs = existing(spot);
            refuseSpecial(attrs);
            return entry(spot.isRoot() ? "/" : VirtualPaths.name(Jail.normalized(vpath)), attrs, spot.viaLink);
        } catch (IOException e) {
            throw FsException.from(e);
        }
    }

    /** True when {@code vpath} is a directory (after an inside link); false when missing or not one. */
    public boolean isDirectory(String vpath) throws FsException {
        try {
            return stat(vpath).directory();
        } catch (FsException e) {
            if (e.kind() == FsException.Kind.NOT_FOUND || e.kind() == FsException.Kind.NOT_A_DIRECTORY) {
                return false;
            }
            throw e;
        }
    }

    /**
     * The entries of a directory, sorted by name. Hides the bookkeeping folder, special files, names no
     * command could address, and links that lead outside the home, to nothing, or too far; a link that
     * stays inside shows its target's facts. At most {@link #MAX_LISTING} entries.
     */
    public List<FileEntry> list(String vdir) throws FsException {
        List<FileEntry> entries = new ArrayList<>();
        String dirPath;
        try (Jail.Spot spot = jail.locate(vdir, true)) {
            BasicFileAttributes attrs = existing(spot);
            if (!attrs.isDirectory()) {
                throw new FsException(FsException.Kind.NOT_A_DIRECTORY);
            }
            dirPath = spot.vpath;
            try (SecureDirectoryStream<Path> dir = spot.openAsDirectory()) {
                for (Path child : dir) {
                    if (entries.size() >= MAX_LISTING) {
                        LOG.warning("listing of " + home() + dirPath + " cut at " + MAX_LISTING + " entries");
                        break;
                    }
                    FileEntry entry = listed(dir, dirPath, child.getFileName());
                    if (entry != null) {
                        entries.add(entry);
                    }
                }
            } catch (DirectoryIteratorException e) {
                throw FsException.from(e.getCause());
            }
        } catch (IOException e) {
            throw FsException.from(e);
        }
        entries.sort(Comparator.comparing(FileEntry::name));
        return entries;
    }

    /**
     * Opens a regular file for reading (after an inside link), read-write so that nothing swapped in for it
     * can block ({@link RegularFiles}): a file the server may not write is REFUSED. The caller closes the
     * channel and reads by position only.
     */
    public FileChannel openRead(String vpath) throws FsException {
        try (Jail.Spot spot = jail.locate(vpath, true)) {
            BasicFileAttributes attrs = existing(spot);
            requireRegular(attrs);
            return RegularFiles.open(spot.dir, spot.name);
        } catch (IOException e) {
            throw FsException.from(e);
        }
    }

    /**
     * Opens a file for an upload, read and write, creating it when missing and never truncating it. An
     * existing link inside the home is written through; with {@code mustBeNew} (STOU) any existing name,
     * link or not, is EXISTS. A missing file is created only when {@code mayCreate} (the quota has room for
     * it), else OVER_QUOTA. The file key returned is the opened file's: read before and after the open, and
     * the open tried again if the two differ.
     */
    public OpenedForWrite openWrite(String vpath, boolean mustBeNew, boolean mayCreate) throws FsException {
        for (int attempt = 0; attempt < MAX_OPEN_ATTEMPTS; attempt++) {
            try (Jail.Spot spot = jail.locate(vpath, !mustBeNew)) {
                if (spot.isRoot()) {
                    throw new FsException(FsException.Kind.IS_A_DIRECTORY);
                }
                BasicFileAttributes attrs = spot.attributes();
                if (attrs == null) {
                    if (!mayCreate) {
                        throw new FsException(FsException.Kind.OVER_QUOTA);
                    }
                    FileChannel created = RegularFiles.create(spot.dir, spot.name, jail.umask().forFiles());
                    BasicFileAttributes made = spot.attributes();
                    return new OpenedForWrite(created, true, 0, made == null ? null : made.fileKey());
                }
                if (mustBeNew) {
                    throw new FsException(FsException.Kind.EXISTS);
                }
                if (attrs.isSymbolicLink()) {
                    continue;  // became a link after the walk looked: walk again
                }
                requireRegular(attrs);
                FileChannel channel = RegularFiles.open(spot.dir, spot.name);
                BasicFileAttributes after = spot.attributes();
                if (after == null || !Objects.equals(after.fileKey(), attrs.fileKey())) {
                    channel.close();
                    continue;  // swapped while we opened: which file the channel holds is unknown
                }
                return new OpenedForWrite(channel, false, sizeOf(channel), attrs.fileKey());
            } catch (FileAlreadyExistsException raced) {
                if (mustBeNew) {
                    throw new FsException(FsException.Kind.EXISTS, raced);
                }
            } catch (IOException e) {
                throw FsException.from(e);
            }
        }
        throw new FsException(FsException.Kind.IO);
    }

    /**
     * Creates one directory; its parent must exist. The directory is staged in the home
     * ({@link Jail#stageDirectory}) and renamed into place between two handles, so no path that a client or a
     * local user can change is ever resolved.
     */
    public void mkdir(String vpath) throws FsException {
        try (Jail.Spot spot = jail.locate(vpath, false)) {
            if (spot.isRoot() || spot.attributes() != null) {
                throw new FsException(FsException.Kind.EXISTS);
            }
            try (SecureDirectoryStream<Path> home = jail.openHome()) {
                Path staged = jail.stageDirectory();
                try {
                    home.move(staged, spot.dir, spot.name);
                } catch (IOException e) {
                    try {
                        home.deleteDirectory(staged);
                    } catch (IOException leftover) {
                        e.addSuppressed(leftover);
                    }
                    if (e instanceof DirectoryNotEmptyException || spot.attributes() != null) {
                        throw new FsException(FsException.Kind.EXISTS, e);
                    }
                    if (e instanceof AtomicMoveNotSupportedException) {
                        // Another file system mounted inside the home: renames cannot cross it.
                        throw new FsException(FsException.Kind.REFUSED, e);
                    }
                    throw e;
                }
            }
        } catch (IOException e) {
            throw FsException.from(e);
        }
    }

    /** Removes an empty directory (never through a link); returns its attributes, for the quota. */
    public BasicFileAttributes rmdir(String vpath) throws FsException {
        try (Jail.Spot spot = jail.locate(vpath, false)) {
            if (spot.isRoot()) {
                throw new FsException(FsException.Kind.REFUSED);
            }
            BasicFileAttributes attrs = existing(spot);
            if (!attrs.isDirectory()) {
                throw new FsException(FsException.Kind.NOT_A_DIRECTORY);
            }
            spot.dir.deleteDirectory(spot.name);
            return attrs;
        } catch (IOException e) {
            throw FsException.from(e);
        }
    }

    /**
     * Removes a file, or a link itself (never its target).
     *
     * @return what was removed, as it was just before: the quota prices it
     */
    public BasicFileAttributes delete(String vpath) throws FsException {
        try (Jail.Spot spot = jail.locate(vpath, false)) {
            if (spot.isRoot()) {
                throw new FsException(FsException.Kind.IS_A_DIRECTORY);
            }
            BasicFileAttributes attrs = existing(spot);
            if (attrs.isDirectory()) {
                throw new FsException(FsException.Kind.IS_A_DIRECTORY);
            }
            spot.dir.deleteFile(spot.name);
            return attrs;
        } catch (IOException e) {
            throw FsException.from(e);
        }
    }

    /**
     * Removes the name {@code vpath} only if it still names the file with {@code fileKey} (never a link or
     * another file that took the name): for an upload that puts things back as they were.
     *
     * @return what was removed, or null when the name holds something else now, or nothing
     */
    public BasicFileAttributes deleteIfSame(String vpath, Object fileKey) throws FsException {
        if (fileKey == null) {
            return null;
        }
        try (Jail.Spot spot = jail.locate(vpath, false)) {
            BasicFileAttributes attrs = spot.isRoot() ? null : spot.attributes();
            if (attrs == null || !attrs.isRegularFile() || !fileKey.equals(attrs.fileKey())) {
                return null;
            }
            spot.dir.deleteFile(spot.name);
            return attrs;
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            FsException fs = FsException.from(e);
            if (fs.kind() == FsException.Kind.NOT_FOUND || fs.kind() == FsException.Kind.NOT_A_DIRECTORY) {
                return null;  // a folder on the way was renamed or removed: the name is gone
            }
            throw fs;
        }
    }

    /**
     * Renames within the home (links are moved, not followed). A file may replace a file; nothing replaces
     * a directory and a directory replaces nothing.
     *
     * @return the file that was replaced, as it was just before (the quota prices it), else null
     */
    public BasicFileAttributes rename(String from, String to) throws FsException {
        try (Jail.Spot source = jail.locate(from, false); Jail.Spot target = jail.locate(to, false)) {
            if (source.isRoot() || target.isRoot()) {
                throw new FsException(FsException.Kind.REFUSED);
            }
            BasicFileAttributes src = existing(source);
            BasicFileAttributes dst = target.attributes();
            if (dst != null) {
                if (Objects.equals(src.fileKey(), dst.fileKey()) && src.fileKey() != null) {
                    return null;  // the same file under both names: rename(2) would do nothing
                }
                if (dst.isDirectory() || src.isDirectory()) {
                    throw new FsException(FsException.Kind.EXISTS);
                }
            }
            source.dir.move(source.name, target.dir, target.name);
            return dst;
        } catch (AtomicMoveNotSupportedException e) {
            throw new FsException(FsException.Kind.REFUSED, e);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("Invalid argument")) {
                throw new FsException(FsException.Kind.REFUSED, e);  // a directory into itself
            }
            throw FsException.from(e);
        }
    }

    /**
     * Sets the modification time (MFMT), following an inside link. Always through an open handle
     * ({@link RegularFiles}, {@link Jail#openDirectory}), never by name: the JDK sets a time by name by opening
     * the name read-only, which a FIFO put there would block.
     */
    public void setModified(String vpath, FileTime time) throws FsException {
        try (Jail.Spot spot = jail.locate(vpath, true)) {
            BasicFileAttributes attrs = existing(spot);
            refuseSpecial(attrs);
            if (attrs.isDirectory()) {
                try (SecureDirectoryStream<Path> dir = spot.openAsDirectory()) {
                    dir.getFileAttributeView(BasicFileAttributeView.class).setTimes(time, null, null);
                }
            } else {
                try (FileChannel file = RegularFiles.open(spot.dir, spot.name)) {
                    RegularFiles.setModified(file, time);
                }
            }
        } catch (IOException e) {
            throw FsException.from(e);
        }
    }

    /**
     * A path in {@code vdir} that names nothing yet, for STOU: {@code base}, else {@code base.1},
     * {@code base.2}... The caller still opens it with {@code mustBeNew}, since another session may win.
     */
    public String uniqueName(String vdir, String base) throws FsException {
        String dir = Jail.normalized(vdir);
        String stem = base == null || !VirtualPaths.isValidName(base) ? "file" : base;
        if (!isDirectory(dir)) {
            throw new FsException(FsException.Kind.NOT_A_DIRECTORY);
        }
        for (int i = 0; i < MAX_UNIQUE_TRIES; i++) {
            String name = i == 0 ? stem : stem + "." + i;
            String candidate = VirtualPaths.child(dir, name);
            if (VirtualPaths.isValidName(name) && !VirtualPaths.isBookkeeping(candidate) && !exists(candidate)) {
                return candidate;
            }
        }
        return VirtualPaths.child(dir, "file." + Jail.randomHex(6));
    }

    /** For the upload journal: a handle on the bookkeeping folder. */
    SecureDirectoryStream<Path> openBookkeeping() throws FsException {
        return jail.openBookkeeping();
    }

    /** For the upload journal: the modes its records get. */
    Umask umask() {
        return jail.umask();
    }

    private boolean exists(String vpath) throws FsException {
        try (Jail.Spot spot = jail.locate(vpath, false)) {
            return spot.attributes() != null;
        } catch (FsException e) {
            if (e.kind() == FsException.Kind.NOT_FOUND) {
                return false;
            }
            throw e;
        } catch (IOException e) {
            throw FsException.from(e);
        }
    }

    /** One entry of a listing, or null when it must not be shown. */
    private FileEntry listed(SecureDirectoryStream<Path> dir, String dirPath, Path child) throws FsException {
        String name = child.toString();
        if (!VirtualPaths.isValidName(name)) {
            return null;
        }
        String path = VirtualPaths.child(dirPath, name);
        if (VirtualPaths.isBookkeeping(path)) {
            return null;
        }
        try {
            BasicFileAttributes attrs = Jail.attributesOrNull(dir, child);
            if (attrs == null) {
                return null;  // removed while we listed
            }
            boolean link = attrs.isSymbolicLink();
            if (link) {
                try (Jail.Spot target = jail.locate(path, true)) {
                    attrs = target.attributes();
                }
            }
            if (attrs == null || !(attrs.isRegularFile() || attrs.isDirectory())) {
                return null;
            }
            return entry(name, attrs, link);
        } catch (FsException e) {
            if (e.kind() == FsException.Kind.IO) {
                throw e;
            }
            return null;  // a link leading out or nowhere: not shown, and nothing outside was looked at
        } catch (IOException e) {
            throw FsException.from(e);
        }
    }

    private static FileEntry entry(String name, BasicFileAttributes attrs, boolean symlink) {
        return new FileEntry(name, attrs.isDirectory(), attrs.isDirectory() ? 0 : attrs.size(),
                attrs.lastModifiedTime(), symlink, attrs.fileKey());
    }

    private static BasicFileAttributes existing(Jail.Spot spot) throws IOException {
        BasicFileAttributes attrs = spot.attributes();
        if (attrs == null) {
            throw new FsException(FsException.Kind.NOT_FOUND);
        }
        return attrs;
    }

    private static void requireRegular(BasicFileAttributes attrs) throws FsException {
        if (attrs.isDirectory()) {
            throw new FsException(FsException.Kind.IS_A_DIRECTORY);
        }
        if (!attrs.isRegularFile()) {
            throw new FsException(FsException.Kind.REFUSED);
        }
    }

    private static void refuseSpecial(BasicFileAttributes attrs) throws FsException {
        if (!attrs.isRegularFile() && !attrs.isDirectory()) {
            throw new FsException(FsException.Kind.REFUSED);
        }
    }

    private static long sizeOf(FileChannel channel) throws IOException {
        try {
            return channel.size();
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }
}
