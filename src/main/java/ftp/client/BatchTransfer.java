package ftp.client;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Many files in one command: a folder and all below it ({@code upload -r}, {@code download -r}) or the files globs
 * match ({@code mput}, {@code mget}). Each file goes as a single one would ({@link FileUpload},
 * {@link FileDownload}: resumed where it was interrupted, MD5-checked) under one progress bar that counts every
 * byte and names the current file. A file already there whole (same size and MD5) is skipped, so the same command
 * run again after an interruption goes on where it stopped. Ctrl-C stops the current file, kept resumable, and the
 * batch. Main thread.
 */
final class BatchTransfer {
    private record Upload(Path local, String remote, long size) {}

    private record Download(String remote, long size, Path target) {}

    /** Tallies of a batch, for its summary. */
    private static final class Tally {
        int done;
        int skipped;
        int failed;
    }

    private BatchTransfer() {}

    /** {@code upload -r DIR [REMOTE]}: the folder goes to REMOTE, or into it when it is a folder, else beside. */
    static boolean uploadFolder(ShellSession s, String typed, String remoteTyped, boolean force) throws IOException {
        Path dir = s.local(typed);
        if (!Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                s.fail("batch.notfolder", typed);
            } else {
                s.localNotFound(typed, dir);
            }
            return false;
        }
        FtpClient client = s.remote();
        String name = dir.getFileName().toString();
        String base = remoteTyped == null ? s.resolve(name)
                : s.isRemoteDirectory(client, s.resolve(remoteTyped)) ? s.resolve(remoteTyped + "/" + name)
                : s.resolve(remoteTyped);
        List<String> dirs = new ArrayList<>();
        List<Upload> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted().toList()) {
                String remote = RemotePath.normalize(base + "/" + remoteRelative(dir.relativize(p)));
                if (Files.isDirectory(p)) {
                    dirs.add(remote);
                } else if (Files.isRegularFile(p)) {
                    files.add(new Upload(p, remote, Files.size(p)));
                }
            }
        }
        return uploadAll(s, client, dirs, files, force, "upload -r " + String.join(" ", quoted(typed, remoteTyped)));
    }

    /** {@code mput PATTERN...}: the local files each glob matches, to the remote directory. */
    static boolean mput(ShellSession s, List<String> patterns, boolean force) throws IOException {
        List<Upload> files = new ArrayList<>();
        for (String pattern : patterns) {
            Path typed = s.local(pattern);
            Path dir = typed.getParent();
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + typed.getFileName());
            List<Path> matches = List.of();
            if (Files.isDirectory(dir)) {
                try (Stream<Path> list = Files.list(dir)) {
                    matches = list.filter(p -> matcher.matches(p.getFileName())).sorted().toList();
                }
            }
            List<Path> regular = matches.stream().filter(Files::isRegularFile).toList();
            if (regular.isEmpty()) {
                s.fail("batch.nomatch", pattern);
                return false;
            }
            for (Path p : regular) {
                files.add(new Upload(p, s.resolve(p.getFileName().toString()), Files.size(p)));
            }
        }
        return uploadAll(s, s.remote(), List.of(), files, force, "mput " + String.join(" ", quoted(patterns)));
    }

    /** {@code download -r DIR [LOCAL]}: the remote folder goes to LOCAL, or into it when it is a folder. */
    static boolean downloadFolder(ShellSession s, String typed, String localTyped, boolean force)
            throws IOException {
        FtpClient client = s.remote();
        String remote = s.resolve(typed);
        if (!s.isRemoteDirectory(client, remote)) {
            s.fail("batch.remote.notfolder", typed);
            return false;
        }
        String name = remote.equals("/") ? "home" : RemotePath.name(remote);
        Path base = localTyped == null ? s.localDir().resolve(name)
                : Files.isDirectory(s.local(localTyped)) ? s.local(localTyped).resolve(name) : s.local(localTyped);
        List<Download> files = new ArrayList<>();
        List<Path> dirs = new ArrayList<>(List.of(base));
        Deque<String> pending = new ArrayDeque<>(List.of(remote));
        while (!pending.isEmpty()) {
            String dir = pending.poll();
            Optional<List<RemoteEntry>> entries = client.entries(dir);
            if (entries.isEmpty()) {
                s.fail("batch.nolisting");
                return false;
            }
            for (RemoteEntry e : entries.get()) {
                String path = RemotePath.normalize(dir + "/" + e.name());
                Path local = base.resolve(localRelative(remote, path));
                if (e.directory()) {
                    pending.add(path);
                    dirs.add(local);
                } else {
                    files.add(new Download(path, Math.max(0, e.size()), local));
                }
            }
        }
        for (Path d : dirs) {
            Files.createDirectories(d);
        }
        String operands = String.join(" ", quoted(typed, localTyped));
        return downloadAll(s, client, files, force, "download -r " + operands, "download -rf " + operands);
    }

    /** {@code mget PATTERN...}: the remote files each glob matches, to the local folder. */
    static boolean mget(ShellSession s, List<String> patterns, boolean force) throws IOException {
        FtpClient client = s.remote();
        List<Download> files = new ArrayList<>();
        for (String pattern : patterns) {
            String resolved = s.resolve(pattern);
            String dir = RemotePath.parent(resolved);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + RemotePath.name(resolved));
            Optional<List<RemoteEntry>> entries;
            try {
                entries = client.entries(dir);
            } catch (FtpReplyException e) {
                entries = Optional.of(List.of());
            }
            if (entries.isEmpty()) {
                s.fail("batch.nolisting");
                return false;
            }
            List<RemoteEntry> matches = entries.get().stream()
                    .filter(e -> !e.directory() && matcher.matches(Path.of(e.name()))).toList();
            if (matches.isEmpty()) {
                s.fail("batch.nomatch", pattern);
                return false;
            }
            for (RemoteEntry e : matches) {
                files.add(new Download(RemotePath.normalize(dir + "/" + e.name()), Math.max(0, e.size()),
                        s.localDir().resolve(e.name())));
            }
        }
        String operands = String.join(" ", quoted(patterns));
        return downloadAll(s, client, files, force, "mget " + operands, "mget -f " + operands);
    }

    private static boolean uploadAll(ShellSession s, FtpClient client, List<String> dirs, List<Upload> files,
                                     boolean force, String again) throws IOException {
        for (String dir : dirs) {
            try {
                client.mkd(dir);
            } catch (FtpReplyException e) {
                if (!s.isRemoteDirectory(client, dir)) {
                    s.refused("mkdir.failed", e, RemotePath.display(s.home(), dir));
                    return false;
                }
            }
        }
        Map<String, PendingUpload> pending = PendingUpload.list(s, client).stream()
                .collect(Collectors.toMap(PendingUpload::remotePath, p -> p));
        RemoteSizes there = new RemoteSizes(client);
        long total = files.stream().mapToLong(Upload::size).sum();
        long needed = 0;
        for (Upload f : files) {
            PendingUpload p = pending.get(f.remote());
            needed += p != null && !force ? f.size() - Math.min(f.size(), p.held())
                    : there.size(f.remote()).orElse(0) == f.size() && !force ? 0 : f.size();
        }
        OptionalLong available = client.available(s.cwd());
        if (available.isPresent() && needed > available.getAsLong()) {
            s.fail("upload.nospace", SizeFormat.size(needed), SizeFormat.size(available.getAsLong()));
            return false;
        }
        s.say("batch.upload.start", files.size(), SizeFormat.size(total));
        TransferProgress progress = TransferProgress.batch(s, total);
        FileUpload file = new FileUpload(s, client, progress);
        Tally tally = new Tally();
        for (int i = 0; i < files.size(); i++) {
            Upload f = files.get(i);
            PendingUpload p = force ? null : pending.get(f.remote());
            TransferOutcome outcome;
            if (p != null) {
                outcome = file.resume(p, f.local());
            } else if (!force && there.size(f.remote()).orElse(-1) == f.size()
                    && client.md5(f.remote()).equals(Optional.of(LocalDigest.hex(
                            LocalDigest.ofPrefix(f.local(), f.size()))))) {
                progress.skip(f.size());
                outcome = TransferOutcome.SKIPPED;
            } else {
                outcome = file.fresh(f.local(), f.remote());
            }
            if (outcome == TransferOutcome.INTERRUPTED) {
                return interrupted(s, progress, file.stoppedAt(), RemotePath.display(s.home(), f.remote()), i,
                        files.size(), again);
            }
            count(tally, outcome);
        }
        return summary(s, progress, tally, "batch.upload.summary", total);
    }

    /** {@code again}: the command that goes on after an interruption; {@code forced}: the one that overwrites. */
    private static boolean downloadAll(ShellSession s, FtpClient client, List<Download> files, boolean force,
                                       String again, String forced) throws IOException {
        long total = files.stream().mapToLong(Download::size).sum();
        s.say("batch.download.start", files.size(), SizeFormat.size(total));
        TransferProgress progress = TransferProgress.batch(s, total);
        FileDownload file = new FileDownload(s, client, progress);
        Tally tally = new Tally();
        for (int i = 0; i < files.size(); i++) {
            Download f = files.get(i);
            Optional<DownloadRecord> record = force ? Optional.empty()
                    : s.downloads().find(s.host(), s.port(), s.user(), f.remote(), f.target());
            TransferOutcome outcome;
            Path target = f.target();
            if (record.isPresent()) {
                outcome = file.resume(record.get());
            } else if (Files.exists(target) && !force && Files.size(target) == f.size()
                    && client.md5(f.remote()).equals(Optional.of(LocalDigest.hex(
                            LocalDigest.ofPrefix(target, f.size()))))) {
                progress.skip(f.size());
                outcome = TransferOutcome.SKIPPED;
            } else if (Files.exists(target) && !force
                    && s.settings().existing() == ClientSettings.Existing.REFUSE) {
                progress.beforeMessage();
                s.fail("download.exists", target, forced);
                progress.skip(f.size());
                outcome = TransferOutcome.FAILED;
            } else {
                if (Files.exists(target) && !force) {
                    target = FileDownload.numbered(target);
                }
                outcome = file.fresh(f.remote(), f.size(), client.mdtm(f.remote()).orElse(""), target);
            }
            if (outcome == TransferOutcome.INTERRUPTED) {
                return interrupted(s, progress, file.stoppedAt(), RemotePath.display(s.home(), f.remote()), i,
                        files.size(), again);
            }
            count(tally, outcome);
        }
        return summary(s, progress, tally, "batch.download.summary", total);
    }

    private static void count(Tally tally, TransferOutcome outcome) {
        switch (outcome) {
            case DONE -> tally.done++;
            case SKIPPED -> tally.skipped++;
            default -> tally.failed++;
        }
    }

    private static boolean interrupted(ShellSession s, TransferProgress progress, String at, String shown, int index,
                                       int count, String again) {
        progress.finish(false);
        s.say("batch.interrupted", at, shown, index + 1, count, again);
        return false;
    }

    private static boolean summary(ShellSession s, TransferProgress progress, Tally tally, String key, long total) {
        progress.finish(tally.failed == 0);
        s.say(key, tally.done, tally.skipped, tally.failed, SizeFormat.size(total));
        return tally.failed == 0;
    }

    /** The remote form of a local relative path: its names joined with {@code /}. */
    private static String remoteRelative(Path relative) {
        List<String> names = new ArrayList<>();
        relative.forEach(n -> names.add(n.toString()));
        return String.join("/", names);
    }

    /** The local relative path of {@code path} below the remote folder {@code base}. */
    private static Path localRelative(String base, String path) {
        String rest = path.substring(base.equals("/") ? 1 : base.length() + 1);
        return Path.of("", rest.split("/"));
    }

    private static List<String> quoted(String... words) {
        return Stream.of(words).filter(w -> w != null).map(ShellWords::quote).toList();
    }

    private static List<String> quoted(List<String> words) {
        return words.stream().map(ShellWords::quote).toList();
    }

    /** The sizes of remote files, one listing per folder, for telling which files are there already. */
    private static final class RemoteSizes {
        private final FtpClient client;
        private final Map<String, Map<String, Long>> byFolder = new HashMap<>();

        RemoteSizes(FtpClient client) {
            this.client = client;
        }

        OptionalLong size(String path) throws IOException {
            String dir = RemotePath.parent(path);
            Map<String, Long> sizes = byFolder.get(dir);
            if (sizes == null) {
                sizes = new HashMap<>();
                try {
                    for (RemoteEntry e : client.entries(dir).orElse(List.of())) {
                        if (!e.directory()) {
                            sizes.put(e.name(), e.size());
                        }
                    }
                } catch (FtpReplyException e) {
                    // Not there yet: nothing in it.
                }
                byFolder.put(dir, sizes);
            }
            Long size = sizes.get(RemotePath.name(path));
            return size == null ? OptionalLong.empty() : OptionalLong.of(size);
        }
    }
}
