package ftp.fs;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * One unfinished upload as {@link UploadJournal#list} reports it: the virtual path, the bytes the file
 * holds now, the size announced with ALLO if any, and when the upload started and last moved.
 */
public record UploadRecord(String path, long bytes, OptionalLong expected, Instant started, Instant updated) {}
