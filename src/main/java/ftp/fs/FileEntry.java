package ftp.fs;

import java.nio.file.attribute.FileTime;

/**
 * What a listing or a stat shows of one entry in a jail. {@code name} is the last path segment ({@code /}
 * for the root). For a symbolic link that stays inside the home, the other facts are those of its target
 * and {@code symlink} is true. {@code fileKey} tells one file from another with the same name (device and
 * inode; null where the platform has none). Immutable; any thread.
 */
public record FileEntry(String name, boolean directory, long size, FileTime modified, boolean symlink,
        Object fileKey) {
    /** An entry whose file key is not known (listings built in memory). */
    public FileEntry(String name, boolean directory, long size, FileTime modified, boolean symlink) {
        this(name, directory, size, modified, symlink, null);
    }
}
