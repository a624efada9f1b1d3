package ftp.client;

import static ftp.client.RecordFolder.required;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The unfinished downloads, kept in {@code <download.dir>/.download/}: for each, a record {@code <id>.properties}
 * and its partial data {@code <id>.part}. A record is written before the first byte arrives, so it survives the
 * client being killed; it is removed once the file is complete and verified. The id comes from the account, the
 * remote path and the target, so downloading the same file again finds its slot. Main thread.
 */
final class DownloadJournal {
    static final String DIRECTORY = ".download";

    private final RecordFolder records;

    DownloadJournal(Path downloadDir) {
        this.records = new RecordFolder(downloadDir.resolve(DIRECTORY));
    }

    Path dir() {
        return records.dir();
    }

    /** A new record (0 bytes) for a download about to start, saved before it returns. */
    DownloadRecord start(String host, int port, String user, String remotePath, long size, String mdtm, Path target)
            throws IOException {
        String id = idOf(host, port, user, remotePath, target);
        DownloadRecord record = new DownloadRecord(id, host, port, user, remotePath, size, mdtm,
                dir().resolve(id + ".part"), target.toAbsolutePath(), 0, System.currentTimeMillis());
        save(record);
        return record;
    }

    /** The unfinished download of {@code remotePath} to {@code target}, if there is one. */
    Optional<DownloadRecord> find(String host, int port, String user, String remotePath, Path target)
            throws IOException {
        String id = idOf(host, port, user, remotePath, target);
        return list().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    void save(DownloadRecord r) throws IOException {
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
        records.write(r.id(), p, "unfinished download");
    }

    /** Every readable record, oldest first. */
    List<DownloadRecord> list() throws IOException {
        List<DownloadRecord> list = new ArrayList<>(records.readAll(DownloadJournal::read));
        list.sort(Comparator.comparingLong(DownloadRecord::startedMillis).thenComparing(DownloadRecord::id));
        return list;
    }

    /** The records of one account on one server, in the order the user is shown them. */
    List<DownloadRecord> listFor(String host, int port, String user) throws IOException {
        return list().stream().filter(r -> r.belongsTo(host, port, user)).toList();
    }

    /** The download completed or was given up: the record and its partial data go. */
    void complete(DownloadRecord r) throws IOException {
        records.delete(r.id());
        Files.deleteIfExists(r.partial());
    }

    private static DownloadRecord read(String id, Properties p) {
        return new DownloadRecord(id,
                required(p, "host"), Integer.parseInt(required(p, "port")), required(p, "user"),
                required(p, "remote"), Long.parseLong(required(p, "size")), p.getProperty("mdtm", ""),
                Path.of(required(p, "partial")), Path.of(required(p, "target")),
                Long.parseLong(required(p, "bytes")), Long.parseLong(p.getProperty("started", "0")));
    }

    private static String idOf(String host, int port, String user, String remotePath, Path target) {
        return RecordFolder.idOf(host + ":" + port + "\n" + user + "\n" + remotePath + "\n" + target.toAbsolutePath());
    }
}
