package ftp.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code upload}, {@code resume_upload} and {@code mput}. A plain upload to a remote file whose earlier upload was
 * interrupted offers to resume it instead of starting over (a script is told how; {@code -f} starts over). Folders
 * ({@code -r}) and globs go to {@link BatchTransfer}, single files to {@link FileUpload}. Main thread.
 */
final class UploadCommands {
    private UploadCommands() {}

    static List<ShellCommand> all() {
        return List.of(
                new ShellCommand("upload", List.of("put"), "fr", "lr", 1, 2, UploadCommands::upload),
                new ShellCommand("resume_upload", List.of("reput"), "", "rl", 0, 2, UploadCommands::resume),
                new ShellCommand("mput", List.of(), "f", "l", 1, Integer.MAX_VALUE,
                        (s, args) -> BatchTransfer.mput(s, Flags.of(args).operands(), Flags.of(args).has('f'))));
    }

    private static boolean upload(ShellSession s, List<String> args) throws IOException {
        Flags flags = Flags.of(args);
        List<String> operands = flags.operands();
        boolean force = flags.has('f');
        Path local = s.local(operands.get(0));
        if (flags.has('r')) {
            return BatchTransfer.uploadFolder(s, operands.get(0), operands.size() > 1 ? operands.get(1) : null,
                    force);
        }
        if (Files.isDirectory(local)) {
            s.fail("upload.folder", operands.get(0));
            return false;
        }
        if (!Files.isRegularFile(local)) {
            s.localNotFound(operands.get(0), local);
            return false;
        }
        FtpClient client = s.remote();
        String remote = remoteTarget(s, client, operands, local);
        String shown = ShellWords.quote(RemotePath.display(s.home(), remote));
        FileUpload file = new FileUpload(s, client, TransferProgress.single(s));
        Optional<PendingUpload> pending = force ? Optional.empty() : PendingUpload.find(s, client, remote);
        if (pending.isPresent()) {
            PendingUpload p = pending.get();
            String size = p.size() < 0 ? "?" : SizeFormat.size(p.size());
            if (!s.terminal().interactive()) {
                s.fail("upload.unfinished", shown, SizeFormat.size(p.held()), size,
                        "upload -f " + String.join(" ", operands.stream().map(ShellWords::quote).toList()));
                return false;
            }
            if (s.confirm("upload.unfinished.ask", shown, SizeFormat.size(p.held()), size)) {
                return reported(s, file, file.resume(p, local), shown);
            }
        }
        return reported(s, file, file.fresh(local, remote), shown);
    }

    /** True when the upload completed; an interrupted one says how far it got and how to go on. */
    private static boolean reported(ShellSession s, FileUpload file, TransferOutcome outcome, String shown) {
        if (outcome == TransferOutcome.INTERRUPTED) {
            s.say("transfer.interrupted", file.stoppedAt(), "resume_upload " + shown);
        }
        return outcome == TransferOutcome.DONE;
    }

    /** The remote path: the name given, inside it when it is a directory, else the local name in the cwd. */
    private static String remoteTarget(ShellSession s, FtpClient client, List<String> operands, Path local)
            throws IOException {
        String name = local.getFileName().toString();
        if (operands.size() < 2) {
            return s.resolve(name);
        }
        String typed = operands.get(1);
        String path = s.resolve(typed);
        if (typed.endsWith("/") || path.equals("/") || s.isRemoteDirectory(client, path)) {
            return s.resolve(path + "/" + name);
        }
        return path;
    }

    /**
     * {@code resume_upload [name|number] [local]}: continues an unfinished upload from the local file it was started
     * with (as recorded), or from {@code local}.
     */
    private static boolean resume(ShellSession s, List<String> args) throws IOException {
        FtpClient client = s.remote();
        List<PendingUpload> pending = PendingUpload.list(s, client);
        if (pending.isEmpty()) {
            s.say("resume_upload.none");
            return args.isEmpty();
        }
        Optional<PendingUpload> chosen = args.isEmpty() ? ask(s, pending)
                : Choice.byNameOrNumber(pending, args.get(0), s.resolve(args.get(0)), PendingUpload::remotePath);
        if (chosen.isEmpty()) {
            if (!args.isEmpty()) {
                print(s, pending);
                s.fail("resume_upload.nomatch.name", args.get(0));
            }
            return args.isEmpty() && s.terminal().interactive();
        }
        return resume(s, chosen.get(), args.size() > 1 ? s.local(args.get(1)) : null);
    }

    /** Resumes one pending upload, from {@code local} when not null. */
    static boolean resume(ShellSession s, PendingUpload pending, Path local) throws IOException {
        FileUpload file = new FileUpload(s, s.remote(), TransferProgress.single(s));
        return reported(s, file, file.resume(pending, local),
                ShellWords.quote(RemotePath.display(s.home(), pending.remotePath())));
    }

    static void print(ShellSession s, List<PendingUpload> uploads) {
        s.say("resume_upload.header");
        for (int i = 0; i < uploads.size(); i++) {
            s.say("resume_upload.item", i + 1, describe(s, uploads.get(i)));
        }
    }

    /** {@code ~/big.bin  19.00 MiB received of 47.68 MiB <- /home/u/big.bin} */
    static String describe(ShellSession s, PendingUpload u) {
        String size = u.size() < 0 ? "?" : SizeFormat.size(u.size());
        String shown = RemotePath.display(s.home(), u.remotePath());
        return u.record().isPresent()
                ? s.messages().get("resume_upload.describe", shown, SizeFormat.size(u.held()), size,
                        u.record().get().local())
                : s.messages().get("resume_upload.describe.unknown", shown, SizeFormat.size(u.held()), size);
    }

    /** Lists the uploads and lets the user pick one; a script with exactly one gets that one. */
    private static Optional<PendingUpload> ask(ShellSession s, List<PendingUpload> uploads) throws IOException {
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
}
