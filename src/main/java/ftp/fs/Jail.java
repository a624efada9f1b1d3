package ftp.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Turns a resolved virtual path into an open handle on the real directory that holds its last segment.
 *
 * <p>The walk starts from a handle on the home and opens one segment at a time with {@code openat} and
 * {@code O_NOFOLLOW} ({@link SecureDirectoryStream}), so a directory swapped for a symbolic link while we
 * walk makes the open fail instead of leading out; the kernel, not a string comparison, keeps us inside.
 * A link met on the way is followed only when its target lies inside the home: its text is turned into a
 * virtual path and the walk starts again from the home along that path (at most {@value #MAX_LINK_HOPS}
 * hops). Links are read through their real path string, which may itself race, but what is read is only
 * ever used as a virtual path that the next walk checks again, so a race costs a refusal, never an escape.
 * The only path string that reaches the disk otherwise is the home's own: to open it, and to make a directory
 * directly in it ({@link #stageDirectory}).
 *
 * <p>Holds no open handles between calls. Thread-safe, blocking: worker threads only.
 */
final class Jail {
    static final int MAX_LINK_HOPS = 40;
    static final String BOOKKEEPING_NAME = VirtualPaths.BOOKKEEPING.substring(1);
    /** Starts the name of a directory on its way into place; SOH makes it a name VirtualPaths refuses. */
    private static final String STAGED_PREFIX = "\u0001mkdir-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path configuredHome;
    private final Path realHome;
    private final Umask umask;

    /** Creates the home and its bookkeeping folder when missing, with the modes {@code umask} leaves. */
    Jail(Path home, Umask umask) throws IOException {
        this.configuredHome = home.toAbsolutePath().normalize();
        this.umask = umask;
        Files.createDirectories(configuredHome, umask.forDirectories());
        this.realHome = configuredHome.toRealPath();
        ensureBookkeeping();
    }

    Path realHome() {
        return realHome;
    }

    Umask umask() {
        return umask;
    }


    /** Where a walk ended. Closing it closes the directory handle. */
    static final class Spot implements AutoCloseable {
        /** The directory holding the last segment, or the home itself when {@link #name} is null. */
        final SecureDirectoryStream<Path> dir;
        /** The last segment as a single-name path; null for the root. */
        final Path name;
        /** The virtual path actually reached, after following links. */
        final String vpath;
        /** The requested last segment was a symbolic link that was followed. */
        final boolean viaLink;

        Spot(SecureDirectoryStream<Path> dir, Path name, String vpath, boolean viaLink) {
            this.dir = dir;
            this.name = name;
            this.vpath = vpath;
            this.viaLink = viaLink;
        }

        boolean isRoot() {
            return name == null;
        }

        /** Attributes of the last segment itself (a link is not followed), or null when it does not exist. */
        BasicFileAttributes attributes() throws IOException {
            if (name == null) {
                return dir.getFileAttributeView(BasicFileAttributeView.class).readAttributes();
            }
            return attributesOrNull(dir, name);
        }

        /** A new handle on the last segment as a directory; the caller closes it. */
        SecureDirectoryStream<Path> openAsDirectory() throws IOException {
            if (name == null) {
                return dir.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS);
            }
            SecureDirectoryStream<Path> opened = openDirectory(dir, name);
            if (opened == null) {
                throw new FsException(FsException.Kind.NOT_A_DIRECTORY);
            }
            return opened;
        }

        @Override
        public void close() {
            closeQuietly(dir);
        }
    }

    /**
     * Walks to {@code vpath}. Every directory on the way must exist and be reachable inside the home. The
     * last segment need not exist; when {@code followLast} is set and it is a link inside the home, the
     * walk continues to the link's target.
     *
     * @throws FsException REFUSED for the bookkeeping folder, a link leading out or too many hops;
     *     NOT_FOUND or NOT_A_DIRECTORY for a missing or non-directory segment before the last
     */
    Spot locate(String vpath, boolean followLast) throws FsException {
        String target = normalized(vpath);
        boolean viaLink = false;
        for (int hop = 0; hop <= MAX_LINK_HOPS; hop++) {
            if (VirtualPaths.isBookkeeping(target)) {
                throw new FsException(FsException.Kind.REFUSED);
            }
            String[] segments = target.equals("/") ? new String[0] : target.substring(1).split("/", -1);
            SecureDirectoryStream<Path> dir = openHome();
            boolean handedOver = false;
            try {
                if (segments.length == 0) {
                    handedOver = true;
                    return new Spot(dir, null, "/", viaLink);
                }
                String walked = "/";
                String next = null;
                for (int i = 0; i < segments.length && next == null; i++) {
                    boolean last = i == segments.length - 1;
                    Path name = name(segments[i]);
                    BasicFileAttributes attrs = last && !followLast ? null : attributesOrNull(dir, name);
                    if (attrs != null && attrs.isSymbolicLink()) {
                        next = linkTarget(walked, name, rest(segments, i + 1));
                        viaLink |= last;
                    } else if (last) {
                        handedOver = true;
                        return new Spot(dir, name, target, viaLink);
                    } else if (attrs == null) {
                        throw new FsException(FsException.Kind.NOT_FOUND);
                    } else if (!attrs.isDirectory()) {
                        throw new FsException(FsException.Kind.NOT_A_DIRECTORY);
                    } else {
                        SecureDirectoryStream<Path> child = openDirectory(dir, name);
                        if (child == null) {
                            next = target;  // swapped under us: walk again, as one hop
                        } else {
                            closeQuietly(dir);
                            dir = child;
                            walked = VirtualPaths.child(walked, segments[i]);
                        }
                    }
                }
                target = next;
            } catch (IOException e) {
                throw FsException.from(e);
            } finally {
                if (!handedOver) {
                    closeQuietly(dir);
                }
            }
        }
        throw new FsException(FsException.Kind.REFUSED);
    }

    /** A new handle on the home. */
    SecureDirectoryStream<Path> openHome() throws FsException {
        try {
            return openSecure(realHome);
        } catch (NoSuchFileException gone) {
            // The home was removed while the server ran (an admin cleaning up): give the user a fresh one.
            try {
                Files.createDirectories(realHome, umask.forDirectories());
                ensureBookkeeping();
                return openSecure(realHome);
            } catch (IOException e) {
                throw FsException.from(e);
            }
        } catch (IOException e) {
            throw FsException.from(e);
        }
    }

    /**
     * Makes an empty directory in the home for the caller to move into place between handles: the JDK has no
     * {@code mkdirat}. It is made by path, but through the home's own path, which nothing a user does can
     * change, and mkdir(2) never follows a link in the last component; so no folder that a local user swaps
     * for a link, the bookkeeping folder included, is ever on the way. Its name holds a control character, so
     * no command can address it and no listing shows it, even if a crash leaves it behind.
     *
     * @return the new directory's name in the home
     */
    Path stageDirectory() throws IOException {
        Path staged = name(STAGED_PREFIX + randomHex(8));
        Files.createDirectory(realHome.resolve(staged), umask.forDirectories());
        return staged;
    }

    /** A new handle on the bookkeeping folder, refusing one that has been replaced by a link or anything else. */
    SecureDirectoryStream<Path> openBookkeeping() throws FsException {
        for (int attempt = 0; ; attempt++) {
            try (SecureDirectoryStream<Path> home = openHome()) {
                SecureDirectoryStream<Path> bookkeeping = openDirectory(home, name(BOOKKEEPING_NAME));
                if (bookkeeping != null) {
                    return bookkeeping;
                }
                if (attempt > 0) {
                    throw new FsException(FsException.Kind.IO);
                }
                ensureBookkeeping();  // removed by hand while the server ran: make it again, once
            } catch (IOException e) {
                throw FsException.from(e);
            }
        }
    }

    /**
     * A handle on the bookkeeping folder of the home at {@code realHome} for code that has no jail of its own
     * (the shared quota ledger): never through a link swapped in for the folder.
     */
    static SecureDirectoryStream<Path> openBookkeeping(Path realHome) throws IOException {
        try (SecureDirectoryStream<Path> home = openSecure(realHome)) {
            SecureDirectoryStream<Path> bookkeeping = openDirectory(home, Path.of(BOOKKEEPING_NAME));
            if (bookkeeping == null) {
                // Swapped for a link or a file: refused, as the jail refuses such a path.
                throw new FsException(FsException.Kind.REFUSED);
            }
            return bookkeeping;
        }
    }

    /** One segment as a relative single-name path, as the handle methods want it. */
    Path name(String segment) throws FsException {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
            throw new FsException(FsException.Kind.REFUSED);
        }
        try {
            Path p = realHome.getFileSystem().getPath(segment);
            if (p.getNameCount() != 1 || p.isAbsolute()) {
                throw new FsException(FsException.Kind.REFUSED);
            }
            return p;
        } catch (InvalidPathException e) {
            // Not representable in the platform's file name encoding (run with a UTF-8 locale).
            throw new FsException(FsException.Kind.REFUSED, e);
        }
    }

    /** The same path as VirtualPaths would give, so a caller that skipped resolving cannot walk oddly. */
    static String normalized(String vpath) throws FsException {
        try {
            return VirtualPaths.resolve("/", vpath);
        } catch (PathRefusedException e) {
            throw new FsException(FsException.Kind.REFUSED, e);
        }
    }

    static BasicFileAttributes attributesOrNull(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        try {
            return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    static void closeQuietly(AutoCloseable handle) {
        try {
            handle.close();
        } catch (Exception ignored) {
            // A directory handle that fails to close has nothing left to tell us.
        }
    }

    private void ensureBookkeeping() throws IOException {
        try (SecureDirectoryStream<Path> home = openSecure(realHome)) {
            Path name = name(BOOKKEEPING_NAME);
            BasicFileAttributes attrs = attributesOrNull(home, name);
            if (attrs == null) {
                try {
                    // By path, but only the home's own path and one last component, which mkdir(2) never follows.
                    Files.createDirectory(realHome.resolve(name), umask.forDirectories());
                } catch (FileAlreadyExistsException raced) {
                    // Another session of the same user made it first; checked below.
                }
                attrs = attributesOrNull(home, name);
            }
            if (attrs == null || !attrs.isDirectory() || attrs.isSymbolicLink()) {
                throw new IOException("bookkeeping folder is not a plain directory: " + realHome.resolve(name));
            }
        }
    }

    /**
     * Opens the directory {@code name} below {@code dir}, never through a link; null when {@code name} is not
     * (or no longer) a directory. SecureDirectoryStream opens with {@code O_RDONLY} and no {@code O_DIRECTORY},
     * which waits forever on a FIFO swapped in for the directory; opening {@code name/.} makes the kernel
     * refuse anything but a directory at once. That path would follow a link put in place of {@code name}, so
     * the directory opened must be the one a stat of {@code name} just saw (same device and inode): one that
     * was in its place a moment ago, as a plain {@code openat} would give.
     */
    static SecureDirectoryStream<Path> openDirectory(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        BasicFileAttributes seen = attributesOrNull(dir, name);
        if (seen == null || !seen.isDirectory() || seen.fileKey() == null) {
            return null;
        }
        SecureDirectoryStream<Path> opened;
        try {
            opened = dir.newDirectoryStream(name.resolve("."), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            BasicFileAttributes now = attributesOrNull(dir, name);
            if (now == null || !seen.fileKey().equals(now.fileKey())) {
                return null;  // swapped or removed under us
            }
            throw e;
        }
        try {
            Object reached = opened.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
            if (seen.fileKey().equals(reached)) {
                return opened;
            }
        } catch (IOException e) {
            closeQuietly(opened);
            throw e;
        }
        closeQuietly(opened);
        return null;
    }

    /**
     * The virtual path a link at {@code walked/name} leads to, followed by {@code rest}.
     *
     * @throws FsException REFUSED when the target is outside the home
     */
    private String linkTarget(String walked, Path name, String rest) throws IOException {
        Path linkDir = realOf(walked);
        Path text;
        try {
            text = Files.readSymbolicLink(linkDir.resolve(name));
        } catch (NotLinkException | NoSuchFileException changed) {
            // Swapped back under us: walk the same path again.
            return VirtualPaths.child(walked, name.toString()) + (rest.isEmpty() ? "" : "/" + rest);
        }
        Path real = (text.isAbsolute() ? text : linkDir.resolve(text)).normalize();
        String inside = virtualOf(real);
        if (inside == null) {
            throw new FsException(FsException.Kind.REFUSED);
        }
        try {
            return VirtualPaths.resolve("/", rest.isEmpty() ? inside : inside + "/" + rest);
        } catch (PathRefusedException e) {
            throw new FsException(FsException.Kind.REFUSED, e);
        }
    }

    private Path realOf(String vpath) {
        return vpath.equals("/") ? realHome : realHome.resolve(vpath.substring(1));
    }

    /** The virtual path of a normalized real path, or null when it is not inside the home. */
    private String virtualOf(Path real) {
        for (Path root : new Path[] {realHome, configuredHome}) {
            // Path.startsWith compares whole names, so home/alice2 is not inside home/alice.
            if (real.startsWith(root)) {
                Path relative = root.relativize(real);
                StringBuilder out = new StringBuilder();
                for (Path segment : relative) {
                    if (!segment.toString().isEmpty()) {
                        out.append('/').append(segment);
                    }
                }
                return out.length() == 0 ? "/" : out.toString();
            }
        }
        return null;
    }

    private static String rest(String[] segments, int from) {
        return String.join("/", Arrays.asList(segments).subList(from, segments.length));
    }

    private static SecureDirectoryStream<Path> openSecure(Path dir) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(dir);
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            return secure;
        }
        stream.close();
        throw new IOException("this platform has no SecureDirectoryStream; refusing to serve files without it");
    }
}
