package ftp.fs;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The permission bits the server clears on the homes, files and folders it creates ({@code files.umask}).
 * The default, 077, makes files 0600 and folders 0700: no other account of the machine reads a user's files.
 * The kernel applies the process's own umask as well, so the stricter of the two wins. Immutable; any thread.
 */
public record Umask(int bits) {
    public static final Umask DEFAULT = new Umask(0077);

    public Umask {
        if (bits < 0 || bits > 0777) {
            throw new IllegalArgumentException("a umask is 000 to 777 in octal, not " + Integer.toOctalString(bits));
        }
    }

    /** Octal digits, as in {@code umask(1)}: {@code 077}, {@code 027}, {@code 0022}. */
    public static Umask parse(String octal) {
        if (!octal.matches("[0-7]{1,4}")) {
            throw new IllegalArgumentException("a umask is octal digits like 077, not " + octal);
        }
        return new Umask(Integer.parseInt(octal, 8));
    }

    /** The mode of a new file: 0666 less these bits. */
    public FileAttribute<Set<PosixFilePermission>> forFiles() {
        return attribute(0666 & ~bits);
    }

    /** The mode of a new folder or home: 0777 less these bits. */
    public FileAttribute<Set<PosixFilePermission>> forDirectories() {
        return attribute(0777 & ~bits);
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            // The enum runs OWNER_READ (0400) down to OTHERS_EXECUTE (0001), one bit each.
            if ((mode & (0400 >> p.ordinal())) != 0) {
                permissions.add(p);
            }
        }
        return PosixFilePermissions.asFileAttribute(permissions);
    }
}
