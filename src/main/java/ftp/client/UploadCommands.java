package ftp.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code upload} and {@code resume_upload}. An upload checks the space first (AVBL: nothing is sent when the file
 * cannot fit), announces its size (ALLO), sends with a progress bar while computing the MD5, and compares it with
 * the server's (HASH or XMD5). A resumed upload first proves that the local file still starts with the bytes the
 * server holds (HASH over that range) and then sends only the rest (REST + STOR). The server keeps what it received
 * of an interrupted upload, so both leave the remote file resumable. Main thread.
 */
final class UploadCommands {
    private UploadCommands() {}

    static List<ShellCommand> all() {
        return List.of(
                new ShellCommand("upload", List.of("put"), 1, 2, UploadCommands::upload),
                new ShellCommand("resume_upload", List.of("reput"), 0, 2, UploadCommands::resume));
    }

    private static boolean upload(ShellSession s, List<String> args) throws IOException {
        Path local = s.local(args.get(0));
        if (!Files.isRegularFile(local)) {
            s.localNotFound(args.get(0), local);
            return false;
        }
        long size = Files.size(local);
        FtpClient client = s.remote();
        String remote = remoteTarget(s, client, args, local);
        if (!fits(s, client, remote, size)) {
            return false;
        }
        try {
            client.allocate(size);
        } catch (FtpReplyException e) {
            s.refused("upload.refused", e, local.getFileName());
            return false;
        }
        return send(s, client, local, remote, 0, size, LocalDigest.md5());
    }

    /** The remote path: the name given, inside it when it is a directory, else the local name in the cwd. */
    private static String remoteTarget(ShellSession s, FtpClient client, List<String> args, Path local)
            throws IOException {
        String name = local.getFileName().toString();
        if (args.size() < 2) {
            return s.resolve(name);
        }
        String typed = args.get(1);
        String path = s.resolve(typed);
        if (typed.endsWith("/") || path.equals("/")) {
            return s.resolve(path + "/" + name);
        }
        try {
            client.cwd(path);
            client.cwd(s.cwd());
            return s.resolve(path + "/" + name);
        } catch (FtpReplyException e) {
            return path;
        }
    }

    /** Says the space available before; false (nothing sent) when {@code bytes} cannot fit. */
    private static boolean fits(ShellSession s, FtpClient client, String remote, long bytes) throws IOException {
        OptionalLong available = client.available(RemotePath.parent(remote));
        if (available.isEmpty()) {
            return true;
        }
        if (bytes > available.getAsLong()) {
            s.fail("upload.nospace", SizeFormat.size(bytes), SizeFormat.size(available.getAsLong()));
            return false;
        }
        s.say("upload.space.before", s.space(available.getAsLong()));
        return true;
    }

    /**
     * Sends {@code local} from {@code offset} (the digest has seen the bytes before it), verifies the whole file's
     * MD5, and tells the space left.
     */
    private static boolean send(ShellSession s, FtpClient client, Path local, String remote, long offset, long size,
                                MessageDigest digest) throws IOException {
        s.say("upload.running");
        ProgressBar bar = s.progress(size, offset);
        try (InputStream in = Files.newInputStream(local)) {
            in.skipNBytes(offset);
            client.store(remote, offset, new DigestInputStream(in, digest), bar);
            bar.finish();
        } catch (FtpReplyException e) {
            bar.abandon();
            s.refused("upload.failed", e, RemotePath.name(remote));
            return false;
        } catch (IOException e) {
            bar.abandon();
            s.fail("upload.interrupted", ShellWords.quote(RemotePath.display(s.home(), remote)));
            throw e;
        }
        String localMd5 = LocalDigest.hex(digest);
        Optional<String> remoteMd5 = client.md5(remote);
        if (remoteMd5.isEmpty()) {
            s.say("upload.succeed");
            s.fail("md5.unavailable");
        } else if (!remoteMd5.get().equals(localMd5)) {
            s.fail("md5.mismatch", localMd5, remoteMd5.get());
            s.fail("upload.mismatch.hint", ShellWords.quote(RemotePath.display(s.home(), remote)));
            return false;
        } else {
            s.say("upload.succeed");
            s.say("md5.ok", localMd5);
        }
        OptionalLong after = client.available(RemotePath.parent(remote));
        if (after.isPresent()) {
            s.say("upload.space.after", s.space(after.getAsLong()));
        } else {
            s.say("upload.done");
        }
        return true;
    }

    /**
     * {@code resume_upload [name|number] [local]}: continues an upload the server holds unfinished, from the local
     * file of the same name in the local directory unless another is given.
     */
    private static boolean resume(ShellSession s, List<String> args) throws IOException {
        FtpClient client = s.remote();
        List<UnfinishedUpload> uploads;
        try {
            uploads = client.unfinishedUploads();
        } catch (FtpReplyException e) {
            // A server without SITE UPLOADS: the remote file's size is where to go on from.
            if (args.isEmpty()) {
                s.refused("resume_upload.unsupported", e);
                return false;
            }
            String path = s.resolve(args.get(0));
            long bytes;
            try {
                bytes = client.size(path);
            } catch (FtpReplyException missing) {
                s.refused("resume_upload.nomatch", missing, args.get(0));
                return false;
            }
            uploads = List.of(new UnfinishedUpload(path, bytes, OptionalLong.empty()));
        }
        if (uploads.isEmpty()) {
            s.say("resume_upload.none");
            return args.isEmpty();
        }
        Optional<UnfinishedUpload> chosen = args.isEmpty() ? ask(s, uploads) : find(s, uploads, args.get(0));
        if (chosen.isEmpty()) {
            return false;
        }
        UnfinishedUpload upload = chosen.get();
        Path local = args.size() > 1 ? s.local(args.get(1)) : s.localDir().resolve(RemotePath.name(upload.path()));
        if (!Files.isRegularFile(local)) {
            s.fail("local.notfound", local);
            return false;
        }
        long size = Files.size(local);
        if (size < upload.bytes()) {
            s.fail("resume_upload.local.short", local, SizeFormat.size(size), SizeFormat.size(upload.bytes()));
            return false;
        }
        MessageDigest digest = LocalDigest.ofPrefix(local, upload.bytes());
        if (upload.bytes() > 0) {
            Optional<String> remotePrefix = client.md5Prefix(upload.path(), upload.bytes());
            if (remotePrefix.isEmpty()) {
                s.fail("resume_upload.prefix.unchecked");
            } else if (!remotePrefix.get().equals(LocalDigest.hex(digest))) {
                s.fail("resume_upload.prefix.mismatch", local, SizeFormat.size(upload.bytes()),
                        RemotePath.display(s.home(), upload.path()));
                return false;
            }
        }
        if (!fits(s, client, upload.path(), size - upload.bytes())) {
            return false;
        }
        s.say("resume_upload.from", RemotePath.display(s.home(), upload.path()), SizeFormat.size(upload.bytes()),
                SizeFormat.size(size));
        return send(s, client, local, upload.path(), upload.bytes(), size, digest);
    }

    private static void print(ShellSession s, List<UnfinishedUpload> uploads) {
        s.say("resume_upload.header");
        for (int i = 0; i < uploads.size(); i++) {
            UnfinishedUpload u = uploads.get(i);
            String expected = u.expected().isPresent() ? SizeFormat.size(u.expected().getAsLong()) : "?";
            s.say("resume_upload.item", i + 1, RemotePath.display(s.home(), u.path()), SizeFormat.size(u.bytes()),
                    expected);
        }
    }

    /** Lists the uploads and lets the user pick one; a script with exactly one gets that one. */
    private static Optional<UnfinishedUpload> ask(ShellSession s, List<UnfinishedUpload> uploads)
            throws IOException {
        print(s, uploads);
        if (!s.terminal().interactive()) {
            if (uploads.size() == 1) {
                return Optional.of(uploads.get(0));
            }
            s.fail("resume_upload.which");
            return Optional.empty();
        }
        String answer = s.ask("resume.choose");
        return Choice.pick(uploads, answer == null ? "" : answer.trim());
    }

    /** The upload a name or list number designates: its path, its file name, or its position. */
    private static Optional<UnfinishedUpload> find(ShellSession s, List<UnfinishedUpload> uploads, String typed) {
        String path = s.resolve(typed);
        List<UnfinishedUpload> matches = new ArrayList<>();
        for (UnfinishedUpload u : uploads) {
            if (u.path().equals(path)) {
                return Optional.of(u);
            }
            if (RemotePath.name(u.path()).equals(typed)) {
                matches.add(u);
            }
        }
        if (matches.size() == 1) {
            return Optional.of(matches.get(0));
        }
        Optional<UnfinishedUpload> byNumber = matches.isEmpty() ? Choice.pick(uploads, typed) : Optional.empty();
        if (byNumber.isEmpty()) {
            print(s, uploads);
            s.fail(matches.isEmpty() ? "resume_upload.nomatch.name" : "resume_upload.which", typed);
        }
        return byNumber;
    }
}
