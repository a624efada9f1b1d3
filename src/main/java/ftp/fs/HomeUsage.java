package ftp.fs;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Measures what a home holds for the quota, priced as {@link QuotaLedger#costOf} prices it (a file its size
 * but at least a block, a folder a block), with the number of files and folders; without following links
 * and without the bookkeeping folder. Walks with directory handles ({@code openat}), so depth is not limited
 * by PATH_MAX, and keeps at most {@value #OPEN_LEVELS} levels open, so a 2000-level tree cannot exhaust
 * file descriptors (a closed level is reopened from the root when the walk comes back to it).
 * Stateless; blocking: worker threads only.
 */
final class HomeUsage {
    private static final Logger LOG = Logger.getLogger("ftpd");
    private static final int OPEN_LEVELS = 64;

    /** One directory on the current branch: its name, its handle (null once closed), what is left below. */
    private static final class Level {
        final Path name;
        SecureDirectoryStream<Path> dir;
        final ArrayDeque<Path> subdirs = new ArrayDeque<>();

        Level(Path name, SecureDirectoryStream<Path> dir) {
            this.name = name;
            this.dir = dir;
        }
    }

    /** Bytes the home costs, and how many files and folders it holds (the home itself not counted). */
    record Usage(long bytes, long files) {}

    /** What the walk has counted so far. */
    private static final class Tally {
        long bytes;
        long files;

        void add(BasicFileAttributes attrs) {
            if (QuotaLedger.counts(attrs)) {
                bytes += QuotaLedger.costOf(attrs);
                files++;
            }
        }
    }

    private HomeUsage() {}

    static Usage measure(Path home) throws IOException {
        DirectoryStream<Path> opened = Files.newDirectoryStream(home);
        if (!(opened instanceof SecureDirectoryStream<Path> root)) {
            opened.close();
            throw new IOException("this platform has no SecureDirectoryStream");
        }
        List<Level> branch = new ArrayList<>();
        Tally total = new Tally();
        try {
            Level top = new Level(null, root);
            branch.add(top);
            scan(top, true, total);
            while (!branch.isEmpty()) {
                int depth = branch.size() - 1;
                Level level = branch.get(depth);
                Path next = level.subdirs.poll();
                if (next == null) {
                    Jail.closeQuietly(level.dir);
                    branch.remove(depth);
                    continue;
                }
                SecureDirectoryStream<Path> parent = reopen(branch, depth);
                SecureDirectoryStream<Path> child;
                try {
                    child = Jail.openDirectory(parent, next);
                } catch (IOException e) {
                    LOG.warning("quota scan skipped a directory in " + home + ": " + e);
                    continue;
                }
                if (child == null) {
                    continue;  // no longer a directory
                }
                Level below = new Level(next, child);
                branch.add(below);
                scan(below, false, total);
                if (branch.size() > OPEN_LEVELS + 1) {
                    Level far = branch.get(branch.size() - 1 - OPEN_LEVELS);
                    Jail.closeQuietly(far.dir);
                    far.dir = null;
                }
            }
            return new Usage(total.bytes, total.files);
        } finally {
            for (Level level : branch) {
                if (level.dir != null) {
                    Jail.closeQuietly(level.dir);
                }
            }
        }
    }

    /** Adds what the entries directly in {@code level} cost to {@code total}; remembers its subdirectories. */
    private static void scan(Level level, boolean isHome, Tally total) throws IOException {
        try {
            for (Path entry : level.dir) {
                Path name = entry.getFileName();
                if (isHome && name.toString().equals(Jail.BOOKKEEPING_NAME)) {
                    continue;
                }
                BasicFileAttributes attrs = Jail.attributesOrNull(level.dir, name);
                if (attrs == null) {
                    continue;
                }
                total.add(attrs);
                if (attrs.isDirectory()) {
                    level.subdirs.add(name);
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
    }

    /** The handle of {@code branch[depth]}, reopened by walking down from the nearest open level if needed. */
    private static SecureDirectoryStream<Path> reopen(List<Level> branch, int depth) throws IOException {
        Level level = branch.get(depth);
        if (level.dir != null) {
            return level.dir;
        }
        int open = depth - 1;
        while (branch.get(open).dir == null) {
            open--;
        }
        SecureDirectoryStream<Path> current = branch.get(open).dir;
        for (int i = open + 1; i <= depth; i++) {
            SecureDirectoryStream<Path> next;
            try {
                next = Jail.openDirectory(current, branch.get(i).name);
            } finally {
                if (current != branch.get(open).dir) {
                    Jail.closeQuietly(current);
                }
            }
            if (next == null) {
                throw new IOException("a directory changed during the quota scan: " + branch.get(i).name);
            }
            current = next;
        }
        level.dir = current;
        return current;
    }
}
