package ftp.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code download}, {@code resume_download} and {@code mget}. A plain download of a file whose earlier download
 * was interrupted offers to resume it instead of starting over (a script is told how), and never overwrites a local
 * file unless told to ({@code -f}) or set to write {@code name (1)} beside it. Folders ({@code -r}) and globs go to
 * {@link BatchTransfer}. Main thread.
 */
final class DownloadCommands {
    private DownloadCommands() {}

    static List<ShellCommand> all() {
        return List.of(
                new ShellCommand("download", List.of("get"), "fr", "rl", 1, 2, DownloadCommands::download),
                new ShellCommand("resume_download", List.of("reget"), "", "r", 0, 1, DownloadCommands::resume),
                new ShellCommand("mget", List.of(), "f", "r", 1, Integer.MAX_VALUE,
                        (s, args) -> BatchTransfer.mget(s, Flags.of(args).operands(), Flags.of(args).has('f'))));
    }

    private static boolean download(ShellSession s, List<String> args) throws IOException {
        Flags flags = Flags.of(args);
        List<String> operands = flags.operands();
        boolean force = flags.has('f');
        if (flags.has('r')) {
            return BatchTransfer.downloadFolder(s, operands.get(0), operands.size() > 1 ? operands.get(1) : null,
                    force);
        }
        FtpClient client = s.remote();
        String typed = operands.get(0);
        String remote = s.resolve(typed);
        long size;
        try {
            size = client.size(remote);
        } catch (FtpReplyException e) {
            if (s.isRemoteDirectory(client, remote)) {
                s.fail("download.folder", typed);
            } else {
                s.refused("download.notfound", e, typed);
            }
            return false;
        }
        String name = RemotePath.name(remote);
        Path target = operands.size() > 1 ? s.local(operands.get(1)) : s.localDir().resolve(name);
        if (Files.isDirectory(target)) {
            target = target.resolve(name);
        }
        String shown = ShellWords.quote(RemotePath.display(s.home(), remote));
        FileDownload file = new FileDownload(s, client, TransferProgress.single(s));
        Optional<DownloadRecord> unfinished = force ? Optional.empty()
                : s.downloads().find(s.host(), s.port(), s.user(), remote, target);
        if (unfinished.isPresent()) {
            DownloadRecord r = unfinished.get();
            String have = SizeFormat.size(Files.exists(r.partial()) ? Files.size(r.partial()) : 0);
            if (!s.terminal().interactive()) {
                s.fail("download.unfinished", shown, have, SizeFormat.size(r.size()), "download -f " + shown);
                return false;
            }
            if (s.confirm("download.unfinished.ask", shown, have, SizeFormat.size(r.size()))) {
                return reported(s, file, file.resume(r), shown);
            }
        }
        if (Files.exists(target) && !force) {
            if (s.settings().existing() == ClientSettings.Existing.REFUSE) {
                s.fail("download.exists", target, "download -f " + String.join(" ", operands.stream()
                        .map(ShellWords::quote).toList()));
                return false;
            }
            target = FileDownload.numbered(target);
        }
        return reported(s, file, file.fresh(remote, size, client.mdtm(remote).orElse(""), target), shown);
    }

    /** True when the download completed; an interrupted one says how far it got and how to go on. */
    private static boolean reported(ShellSession s, FileDownload file, TransferOutcome outcome, String shown) {
        if (outcome == TransferOutcome.INTERRUPTED) {
            s.say("transfer.interrupted", file.stoppedAt(), "resume_download " + shown);
        }
        return outcome == TransferOutcome.DONE;
    }

    /** {@code resume_download [number|name]}: the list, then the one chosen. */
    private static boolean resume(ShellSession s, List<String> args) throws IOException {
        List<DownloadRecord> mine = s.downloads().listFor(s.host(), s.port(), s.user());
        if (mine.isEmpty()) {
            s.say("resume_download.none");
            return args.isEmpty();
        }
        Optional<DownloadRecord> chosen;
        if (!args.isEmpty()) {
            chosen = Choice.byNameOrNumber(mine, args.get(0), s.resolve(args.get(0)), DownloadRecord::remotePath);
            if (chosen.isEmpty()) {
                print(s, mine);
                s.fail("resume_download.nomatch", args.get(0));
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

    /** Resumes one recorded download. */
    static boolean resume(ShellSession s, DownloadRecord record) throws IOException {
        FileDownload file = new FileDownload(s, s.remote(), TransferProgress.single(s));
        return reported(s, file, file.resume(record),
                ShellWords.quote(RemotePath.display(s.home(), record.remotePath())));
    }

    static void print(ShellSession s, List<DownloadRecord> records) throws IOException {
        s.say("resume_download.header");
        for (int i = 0; i < records.size(); i++) {
            s.say("resume_download.item", i + 1, describe(s, records.get(i)));
        }
    }

    /** {@code ~/a.bin  19.00 MiB of 47.68 MiB -> /home/u/files/a.bin} */
    static String describe(ShellSession s, DownloadRecord r) throws IOException {
        long have = Files.exists(r.partial()) ? Files.size(r.partial()) : 0;
        return s.messages().get("resume_download.describe", RemotePath.display(s.home(), r.remotePath()),
                SizeFormat.size(have), SizeFormat.size(r.size()), r.target());
    }
}
