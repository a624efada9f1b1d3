package ftp.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * {@code download} and {@code resume_download}, and the list of unfinished downloads offered at login. A download
 * writes into its partial file in the journal ({@code .download/}), recorded before the first byte, computes the MD5
 * as bytes arrive, compares it with the server's, and only then moves the file to its place and drops the record.
 * A resume first checks that the remote file is the one the partial came from (size, modification time, and the
 * MD5 of the part already here), else starts over with a warning. Main thread.
 */
final class DownloadCommands {
    private DownloadCommands() {}

    static List<ShellCommand> all() {
        return List.of(
                new ShellCommand("download", List.of("get"), 1, 2, DownloadCommands::download),
                new ShellCommand("resume_download", List.of("reget"), 0, 1, DownloadCommands::resume));
    }

    private static boolean download(ShellSession s, List<String> args) throws IOException {
        FtpClient client = s.remote();
        String remote = s.resolve(args.get(0));
        long size;
        try {
            size = client.size(remote);
        } catch (FtpReplyException e) {
            s.refused("download.notfound", e, args.get(0));
            return false;
        }
        String mdtm = client.mdtm(remote).orElse("");
        String name = RemotePath.name(remote);
        Path target = args.size() > 1 ? s.local(args.get(1)) : s.localDir().resolve(name);
        if (Files.isDirectory(target)) {
            target = target.resolve(name);
        }
        DownloadRecord record = s.journal().start(s.host(), s.port(), s.user(), remote, size, mdtm, target);
        return fetch(s, client, record, LocalDigest.md5());
    }

    /**
     * Receives the rest of {@code record}'s file into its partial (the digest has seen what is there), verifies the
     * whole file's MD5 and puts it in place.
     */
    private static boolean fetch(ShellSession s, FtpClient client, DownloadRecord record, MessageDigest digest)
            throws IOException {
        Files.createDirectories(record.partial().getParent());
        s.say("download.running");
        ProgressBar bar = s.progress(record.size(), record.bytes());
        try (FileChannel channel = FileChannel.open(record.partial(), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            channel.truncate(record.bytes());
            channel.position(record.bytes());
            OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), digest);
            if (record.bytes() == 0 || record.bytes() < record.size()) {
                client.retrieve(record.remotePath(), record.bytes(), out, bar);
            }
            bar.finish();
        } catch (IOException e) {
            bar.abandon();
            long have = Files.exists(record.partial()) ? Files.size(record.partial()) : 0;
            if (have == 0 && e instanceof FtpReplyException refused) {
                // Refused before the first byte (no permission, gone): nothing to resume.
                s.journal().complete(record);
                s.refused("download.failed", refused, RemotePath.name(record.remotePath()));
                return false;
            }
            s.journal().save(record.withBytes(have));
            s.fail("download.interrupted", SizeFormat.size(have), SizeFormat.size(record.size()),
                    number(s, record));
            if (e instanceof FtpReplyException refused) {
                s.refused("download.failed", refused, RemotePath.name(record.remotePath()));
                return false;
            }
            throw e;
        }
        s.journal().save(record.withBytes(Files.size(record.partial())));
        String localMd5 = LocalDigest.hex(digest);
        Optional<String> remoteMd5 = client.md5(record.remotePath());
        if (remoteMd5.isPresent() && !remoteMd5.get().equals(localMd5)) {
            s.journal().complete(record);
            s.fail("md5.mismatch", localMd5, remoteMd5.get());
            s.fail("download.mismatch.hint");
            return false;
        }
        Files.createDirectories(record.target().getParent());
        try {
            Files.move(record.partial(), record.target(), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(record.partial(), record.target(), StandardCopyOption.REPLACE_EXISTING);
        }
        s.journal().complete(record);
        s.say("download.succeed");
        if (remoteMd5.isPresent()) {
            s.say("md5.ok", localMd5);
        } else {
            s.fail("md5.unavailable");
        }
        s.say("download.saved", record.target());
        return true;
    }

    /** The number {@code resume_download} knows this record by. */
    private static String number(ShellSession s, DownloadRecord record) throws IOException {
        List<DownloadRecord> mine = s.journal().listFor(s.host(), s.port(), s.user());
        for (int i = 0; i < mine.size(); i++) {
            if (mine.get(i).id().equals(record.id())) {
                return Integer.toString(i + 1);
            }
        }
        return "";
    }

    private static boolean resume(ShellSession s, List<String> args) throws IOException {
        List<DownloadRecord> mine = s.journal().listFor(s.host(), s.port(), s.user());
        if (mine.isEmpty()) {
            s.say("resume_download.none");
            return args.isEmpty();
        }
        Optional<DownloadRecord> chosen;
        if (!args.isEmpty()) {
            chosen = Choice.pick(mine, args.get(0));
            if (chosen.isEmpty()) {
                print(s, mine);
                s.fail("resume.bad.number", args.get(0));
                return false;
            }
        } else {
            print(s, mine);
            if (s.terminal().interactive()) {
                String answer = s.ask("resume.choose");
                chosen = Choice.pick(mine, answer == null ? "" : answer.trim());
            } else if (mine.size() == 1) {
                chosen = Optional.of(mine.get(0));
            } else {
                s.fail("resume_download.which");
                return false;
            }
            if (chosen.isEmpty()) {
                return true;
            }
        }
        return resume(s, chosen.get());
    }

    private static boolean resume(ShellSession s, DownloadRecord record) throws IOException {
        FtpClient client = s.remote();
        String remote = record.remotePath();
        long size;
        try {
            size = client.size(remote);
        } catch (FtpReplyException e) {
            s.refused("resume_download.gone", e, RemotePath.display(s.home(), remote));
            s.journal().complete(record);
            return false;
        }
        String mdtm = client.mdtm(remote).orElse("");
        long have = Files.exists(record.partial()) ? Files.size(record.partial()) : 0;
        boolean changed = size != record.size() || have > size
                || (!record.mdtm().isEmpty() && !mdtm.isEmpty() && !mdtm.equals(record.mdtm()));
        MessageDigest digest = LocalDigest.md5();
        if (!changed && have > 0) {
            digest = LocalDigest.ofPrefix(record.partial(), have);
            Optional<String> remotePrefix = client.md5Prefix(remote, have);
            changed = remotePrefix.isPresent() && !remotePrefix.get().equals(LocalDigest.hex(digest));
        }
        DownloadRecord resumed;
        if (changed) {
            s.fail("resume_download.changed", RemotePath.display(s.home(), remote));
            resumed = record.restarted(size, mdtm);
            digest = LocalDigest.md5();
        } else {
            resumed = record.withBytes(have);
        }
        s.journal().save(resumed);
        s.say("resume_download.from", RemotePath.display(s.home(), remote), SizeFormat.size(resumed.bytes()),
                SizeFormat.size(size));
        return fetch(s, client, resumed, digest);
    }

    private static void print(ShellSession s, List<DownloadRecord> records) throws IOException {
        s.say("resume_download.header");
        for (int i = 0; i < records.size(); i++) {
            DownloadRecord r = records.get(i);
            long have = Files.exists(r.partial()) ? Files.size(r.partial()) : 0;
            s.say("resume_download.item", i + 1, RemotePath.display(s.home(), r.remotePath()),
                    SizeFormat.size(have), SizeFormat.size(r.size()), r.target());
        }
    }

    /**
     * At login: lists this account's unfinished downloads and, on a terminal, offers to resume one by its number.
     * A script is only shown the list, so that its next line stays a command. Returns false if a resume failed.
     */
    static boolean offerAtLogin(ShellSession s) throws IOException {
        List<DownloadRecord> mine = s.journal().listFor(s.host(), s.port(), s.user());
        if (mine.isEmpty()) {
            return true;
        }
        print(s, mine);
        if (!s.terminal().interactive()) {
            s.say("resume_download.hint");
            return true;
        }
        String answer = s.ask("resume.offer");
        Optional<DownloadRecord> chosen = Choice.pick(mine, answer == null ? "" : answer.trim());
        return chosen.isEmpty() || resume(s, chosen.get());
    }
}
