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
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * The unfinished downloads, kept in {@code <download.dir>/.download/}: for each, a record {@code <id>.properties}
 * and its partial data {@code <id>.part}. A record is written before the first byte arrives and rewritten
 * atomically, so it survives the client being killed; it is removed once the file is complete and verified. The id
 * comes from the account, the remote path and the target, so downloading the same file again reuses its slot. Main
 * thread.
 */
final class DownloadJournal {
    static final String DIRECTORY = ".download";
    private static final String RECORD = ".properties";

    private final Path dir;

    DownloadJournal(Path downloadDir) {
        this.dir = downloadDir.resolve(DIRECTORY);
    }

    Path dir() {
        return dir;
    }

    /** A new record (0 bytes) for a download about to start, saved before it returns. */
    DownloadRecord start(String host, int port, String user, String remotePath, long size, String mdtm, Path target)
            throws IOException {
        String id = idOf(host + ":" + port + "\n" + user + "\n" + remotePath + "\n" + target.toAbsolutePath());
        DownloadRecord record = new DownloadRecord(id, host, port, user, remotePath, size, mdtm,
                dir.resolve(id + ".part"), target.toAbsolutePath(), 0, System.currentTimeMillis());
        save(record);
        return record;
    }

    void save(DownloadRecord r) throws IOException {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("remote", r.remotePath());
        p.setProperty("host", r.host());
        p.setProperty("port", Integer.toString(r.port()));
        p.setProperty("user", r.user());
        p.setProperty("size", Long.toString(r.size()));
        p.setProperty("mdtm", r.mdtm());
        p.setProperty("partial", r.partial().toString());
        p.setProperty("target", r.target().toString());
        p.setProperty("bytes", Long.toString(r.bytes()));
        p.setProperty("started", Long.toString(r.startedMillis()));
        Path temp = dir.resolve(r.id() + RECORD + ".tmp");
        try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            p.store(out, "unfinished download");
        }
        try {
            Files.move(temp, dir.resolve(r.id() + RECORD), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, dir.resolve(r.id() + RECORD), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Every readable record, oldest first; records that cannot be read are left alone and not listed. */
    List<DownloadRecord> list() throws IOException {
        List<DownloadRecord> records = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return records;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + RECORD)) {
            for (Path file : files) {
                try {
                    records.add(read(file));
                } catch (IOException | IllegalArgumentException e) {
                    // Not ours or half-written by hand: skip rather than refuse to start.
                }
            }
        }
        records.sort(Comparator.comparingLong(DownloadRecord::startedMillis).thenComparing(DownloadRecord::id));
        return records;
    }

    /** The records of one account on one server, in the order the user is shown them. */
    List<DownloadRecord> listFor(String host, int port, String user) throws IOException {
        return list().stream().filter(r -> r.belongsTo(host, port, user)).toList();
    }

    /** The download completed: the record goes (its data has been moved to the target). */
    void complete(DownloadRecord r) throws IOException {
        Files.deleteIfExists(dir.resolve(r.id() + RECORD));
        Files.deleteIfExists(r.partial());
    }

    private DownloadRecord read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        String name = file.getFileName().toString();
        return new DownloadRecord(name.substring(0, name.length() - RECORD.length()),
                required(p, "host"), Integer.parseInt(required(p, "port")), required(p, "user"),
                required(p, "remote"), Long.parseLong(required(p, "size")), p.getProperty("mdtm", ""),
                Path.of(required(p, "partial")), Path.of(required(p, "target")),
                Long.parseLong(required(p, "bytes")), Long.parseLong(p.getProperty("started", "0")));
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return v;
    }

    private static String idOf(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
