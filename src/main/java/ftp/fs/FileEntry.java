package ftp.fs;

import java.nio.file.attribute.FileTime;

/**
 * What a listing or a stat shows of one entry in a jail. {@code name} is the last path segment ({@code /}
 * for the root). For a symbolic link that stays inside the home, the other facts are those of its target
 * and {@code symlink} is true. Immutable; any thread.
 */
public record FileEntry(String name, boolean directory, long size, FileTime modified, boolean symlink) {}
