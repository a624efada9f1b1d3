package ftp.client;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.function.BiFunction;

/**
 * A folder of small records, one {@code <id>.properties} file each, how the client remembers its unfinished
 * transfers. A record is rewritten atomically (a temporary file moved over it), so a client killed at any moment
 * leaves the old record or the new one, never half of one. Main thread.
 */
final class RecordFolder {
    private static final String SUFFIX = ".properties";

    private final Path dir;

    RecordFolder(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** A short stable id for what {@code key} names (an account, a remote path, a target ...). */
    static String idOf(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    void write(String id, Properties record, String comment) throws IOException {
        Files.createDirectories(dir);
        Path temp = dir.resolve(id + SUFFIX + ".tmp");
        try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            record.store(out, comment);
        }
        try {
            Files.move(temp, file(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file(id), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Every record that can be read, made by {@code reader} from its id and fields; files that cannot be read, or
     * that {@code reader} refuses ({@link IllegalArgumentException}), are left alone and not listed.
     */
    <T> List<T> readAll(BiFunction<String, Properties, T> reader) throws IOException {
        List<T> records = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return records;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                Properties p = new Properties();
                try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    p.load(in);
                } catch (IOException | IllegalArgumentException e) {
                    continue; // not ours or half-edited by hand: skip rather than refuse to start
                }
                String name = file.getFileName().toString();
                try {
                    records.add(reader.apply(name.substring(0, name.length() - SUFFIX.length()), p));
                } catch (IllegalArgumentException e) {
                    // A field missing or malformed.
                }
            }
        }
        return records;
    }

    void delete(String id) throws IOException {
        Files.deleteIfExists(file(id));
    }

    /** The value of {@code key}; an {@link IllegalArgumentException} naming it when the record lacks it. */
    static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return v;
    }

    private Path file(String id) {
        return dir.resolve(id + SUFFIX);
    }
}
