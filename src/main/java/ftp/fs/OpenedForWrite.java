package ftp.fs;

import java.nio.channels.FileChannel;

/**
 * A file opened by {@link UserFileSystem#openWrite} for an upload: the channel (read and write, never
 * truncated on open), whether this open created the file, its size just before, and its file key (what
 * identifies it whatever its name; null where the platform has none). Uploads reach it through
 * {@link ChargedFile}, which charges its changes to the quota; the caller closes the channel.
 */
public record OpenedForWrite(FileChannel channel, boolean created, long sizeBefore, Object fileKey) {}
