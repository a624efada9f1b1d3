package ftp.client;

import static ftp.client.RecordFolder.required;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;

/**
 * The client's own record of its unfinished uploads, beside the download records, in
 * {@code <download.dir>/.upload/}: the server keeps the bytes it received, the client keeps where they came from,
 * so that a resume sends the rest of the same file. A record is written before the first byte is sent and removed
 * once the server holds the whole file, verified. One record per remote file of an account. Main thread.
 */
final class UploadJournal {
    static final String DIRECTORY = ".upload";

    private final RecordFolder records;

    UploadJournal(Path downloadDir) {
        this.records = new RecordFolder(downloadDir.resolve(DIRECTORY));
    }

    /** A new record (nothing sent) for an upload of {@code local} about to start, saved before it returns. */
    UploadRecord start(String host, int port, String user, String remotePath, Path local, long size, long mtimeMillis)
            throws IOException {
        UploadRecord record = new UploadRecord(idOf(host, port, user, remotePath), host, port, user, remotePath,
                local.toAbsolutePath(), size, mtimeMillis, 0, "", System.currentTimeMillis());
        save(record);
        return record;
    }

    void save(UploadRecord r) throws IOException {
        Properties p = new Properties();
        p.setProperty("host", r.host());
        p.setProperty("port", Integer.toString(r.port()));
        p.setProperty("user", r.user());
        p.setProperty("remote", r.remotePath());
        p.setProperty("local", r.local().toString());
        p.setProperty("size", Long.toString(r.size()));
        p.setProperty("mtime", Long.toString(r.mtimeMillis()));
        p.setProperty("sent", Long.toString(r.sent()));
        p.setProperty("sent.md5", r.sentMd5());
        p.setProperty("started", Long.toString(r.startedMillis()));
        records.write(r.id(), p, "unfinished upload");
    }

    /** The records of one account on one server, oldest first. */
    List<UploadRecord> listFor(String host, int port, String user) throws IOException {
        List<UploadRecord> list = new ArrayList<>(records.readAll(UploadJournal::read));
        list.removeIf(r -> !r.belongsTo(host, port, user));
        list.sort(Comparator.comparingLong(UploadRecord::startedMillis).thenComparing(UploadRecord::id));
        return list;
    }

    /** The upload completed, or the server no longer holds it: the record goes. */
    void complete(UploadRecord r) throws IOException {
        records.delete(r.id());
    }

    private static UploadRecord read(String id, Properties p) {
        return new UploadRecord(id, required(p, "host"), Integer.parseInt(required(p, "port")), required(p, "user"),
                required(p, "remote"), Path.of(required(p, "local")), Long.parseLong(required(p, "size")),
                Long.parseLong(required(p, "mtime")), Long.parseLong(p.getProperty("sent", "0")),
                p.getProperty("sent.md5", ""), Long.parseLong(p.getProperty("started", "0")));
    }

    private static String idOf(String host, int port, String user, String remotePath) {
        return RecordFolder.idOf(host + ":" + port + "\n" + user + "\n" + remotePath);
    }
}
