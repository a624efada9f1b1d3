package ftp.fs;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One user's records of unfinished uploads, kept in the home's bookkeeping folder so they survive a
 * {@code kill -9}: one small properties file per target path, named by the SHA-256 of the virtual path,
 * written to a temporary file and renamed into place. A killed process loses nothing the kernel already
 * holds, so no fsync is needed for that; like the uploaded bytes themselves, records are not forced to the
 * disk (three fsyncs per upload would cost more than a small upload). The partial file at
 * the target is the truth about how far an upload got; a record only says that it did not finish.
 * At most {@value #MAX_RECORDS} records (the least recently updated go first).
 *
 * <p>Several nodes may share the folder (one home root behind a balancer): an upload begun on one node
 * finishes on another. So every call looks at the folder itself rather than trusting a memory of it, and
 * temporary names carry the node's identity ({@link NodeInstance}). The journal counts the records it knows of only
 * to bound them; {@link #list} reads the folder again and corrects that count. Every session of a user on
 * one node shares one journal. Thread-safe (calls are serialized), blocking: worker threads only.
 */
public final class UploadJournal {
    static final int MAX_RECORDS = 1000;

    private static final Logger LOG = Logger.getLogger("ftpd");
    private static final String SUFFIX = ".properties";
    private static final String TEMP_PREFIX = ".tmp-";
    private static final int MAX_RECORD_BYTES = 16 * 1024;
    private static final Duration STALE_TEMP = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserFileSystem fs;
    private final String node;
    private final int maxRecords;
    /** Names of the record files in the folder as far as this process knows; null until first needed. */
    private Set<Path> known;

    /** {@code node} names this process in temporary files ({@link NodeInstance#of}). */
    public UploadJournal(UserFileSystem fs, String node) {
        this(fs, node, MAX_RECORDS);
    }

    UploadJournal(UserFileSystem fs, String node, int maxRecords) {
        this.fs = fs;
        this.node = node;
        this.maxRecords = maxRecords;
    }

    /**
     * Records that the upload to {@code vpath} has not finished, keeping the original start time. When
     * this is a new record and the journal is full, the least recently updated records are dropped.
     */
    public synchronized void markUnfinished(String vpath, long bytesSoFar, OptionalLong expectedSize)
            throws IOException {
        String path = Jail.normalized(vpath);
        Instant now = Instant.now();
        try (SecureDirectoryStream<Path> dir = fs.openBookkeeping()) {
            Path name = recordName(path);
            Stored previous = read(dir, name);  // maybe written by another node
            if (previous == null) {
                makeRoom(dir);
            }
            Properties record = new Properties();
            record.setProperty("path", path);
            record.setProperty("bytes", Long.toString(bytesSoFar));
            if (expectedSize.isPresent()) {
                record.setProperty("expected", Long.toString(expectedSize.getAsLong()));
            }
            record.setProperty("started", (previous == null ? now : previous.started).toString());
            record.setProperty("updated", now.toString());
            write(dir, name, record);
            known(dir).add(name);
        }
    }

    /** Forgets the upload to {@code vpath}; nothing happens when there is no record. */
    public synchronized void markFinished(String vpath) throws IOException {
        Path name = recordName(Jail.normalized(vpath));
        try (SecureDirectoryStream<Path> dir = fs.openBookkeeping()) {
            delete(dir, name);  // another node may have written it: look at the folder, not at our memory
        }
    }

    /**
     * The unfinished uploads, sorted by path, each with the size its file has now. Records whose file is
     * gone (or is no longer a regular file in the jail) are dropped, as are damaged records.
     */
    public synchronized List<UploadRecord> list() throws IOException {
        List<UploadRecord> result = new ArrayList<>();
        try (SecureDirectoryStream<Path> dir = fs.openBookkeeping()) {
            for (Stored stored : readAll(dir)) {
                FileEntry target = currentFile(stored.path);
                if (target == null) {
                    delete(dir, stored.file);
                } else {
                    result.add(new UploadRecord(stored.path, target.size(), stored.expected, stored.started,
                            stored.updated));
                }
            }
        }
        result.sort(Comparator.comparing(UploadRecord::path));
        return result;
    }

    /** A record as stored, with the name of its file. */
    private record Stored(Path file, String path, OptionalLong expected, Instant started, Instant updated) {}

    private FileEntry currentFile(String path) throws FsException {
        try {
            FileEntry entry = fs.stat(path);
            return entry.directory() ? null : entry;
        } catch (FsException e) {
            if (e.kind() == FsException.Kind.IO) {
                throw e;
            }
            return null;
        }
    }

    /** The record names in the folder, read from it the first time. */
    private Set<Path> known(SecureDirectoryStream<Path> dir) throws IOException {
        if (known == null) {
            Set<Path> names = new HashSet<>();
            for (Path name : names(dir)) {
                if (isRecordName(name.toString())) {
                    names.add(name);
                }
            }
            known = names;
        }
        return known;
    }

    private void makeRoom(SecureDirectoryStream<Path> dir) throws IOException {
        if (known(dir).size() < maxRecords) {
            return;
        }
        List<Stored> all = readAll(dir);
        all.sort(Comparator.comparing(Stored::updated));
        for (int i = 0; i <= all.size() - maxRecords; i++) {
            LOG.info("upload journal of " + fs.home() + " full: dropping the record of " + all.get(i).path);
            delete(dir, all.get(i).file);
        }
    }

    /**
     * Every readable record; damaged ones and stale temporary files are removed on the way. What is found
     * replaces what the journal knew.
     */
    private List<Stored> readAll(SecureDirectoryStream<Path> dir) throws IOException {
        known = new HashSet<>();
        List<Stored> all = new ArrayList<>();
        for (Path name : names(dir)) {
            String text = name.toString();
            if (text.startsWith(TEMP_PREFIX)) {
                removeIfStale(dir, name);
            } else if (isRecordName(text)) {
                Stored stored = read(dir, name);
                if (stored == null) {
                    LOG.warning("upload journal of " + fs.home() + ": removing damaged record " + text);
                    delete(dir, name);
                } else {
                    all.add(stored);
                    known.add(name);
                }
            }
        }
        return all;
    }

    private static List<Path> names(SecureDirectoryStream<Path> dir) throws IOException {
        List<Path> names = new ArrayList<>();
        try (SecureDirectoryStream<Path> listing = dir.newDirectoryStream(Path.of("."), LinkOption.NOFOLLOW_LINKS)) {
            for (Path entry : listing) {
                names.add(entry.getFileName());
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        return names;
    }

    /**
     * The record in file {@code name}, or null when it is missing, damaged or not a regular file (opened as
     * {@link RegularFiles} does, so a FIFO put in the folder cannot block the reader).
     */
    private Stored read(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        String text;
        try (SeekableByteChannel channel = RegularFiles.open(dir, name)) {
            if (channel.size() > MAX_RECORD_BYTES) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // keep reading until full or end of file
            }
            text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException | FsException e) {
            return null;
        }
        Properties record = new Properties();
        try {
            record.load(new StringReader(text));
            String path = Jail.normalized(record.getProperty("path", ""));
            if (!recordName(path).equals(name)) {
                return null;
            }
            String expected = record.getProperty("expected");
            return new Stored(name, path,
                    expected == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(expected)),
                    Instant.parse(record.getProperty("started", "")),
                    Instant.parse(record.getProperty("updated", "")));
        } catch (IllegalArgumentException | DateTimeParseException | FsException e) {
            return null;
        }
    }

    private void write(SecureDirectoryStream<Path> dir, Path name, Properties record) throws IOException {
        StringWriter text = new StringWriter();
        record.store(text, null);
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        Path temp = Path.of(TEMP_PREFIX + node + "-" + HexFormat.of().formatHex(random));
        try (SeekableByteChannel channel = dir.newByteChannel(temp, Set.<OpenOption>of(StandardOpenOption.WRITE,
                StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS), fs.umask().forFiles())) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            delete(dir, temp);
            throw e;
        }
        try {
            dir.move(temp, dir, name);  // rename(2): readers see the old record or the new one, never half
        } catch (IOException e) {
            delete(dir, temp);
            throw e;
        }
    }

    private void removeIfStale(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        BasicFileAttributes attrs = Jail.attributesOrNull(dir, name);
        if (attrs != null && attrs.lastModifiedTime().toInstant().isBefore(Instant.now().minus(STALE_TEMP))) {
            delete(dir, name);
        }
    }

    private void delete(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        try {
            dir.deleteFile(name);
        } catch (NoSuchFileException e) {
            // already gone: that is what we wanted
        }
        if (known != null) {
            known.remove(name);
        }
    }

    private static boolean isRecordName(String name) {
        return name.length() == 64 + SUFFIX.length() && name.endsWith(SUFFIX)
                && name.substring(0, 64).chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    private static Path recordName(String vpath) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(vpath.getBytes(StandardCharsets.UTF_8));
            return Path.of(HexFormat.of().formatHex(hash) + SUFFIX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
