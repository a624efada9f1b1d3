package ftp.fs;

import java.nio.channels.FileChannel;

/**
 * A file opened by {@link UserFileSystem#openWrite} for an upload: the channel (read and write, never
 * truncated on open), whether this open created the file, and its size just before, so a refused upload
 * can put the file back as it was (delete it, or truncate it to {@code sizeBefore}). The caller closes
 * the channel.
 */
public record OpenedForWrite(FileChannel channel, boolean created, long sizeBefore) {}
