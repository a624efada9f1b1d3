package ftp.client;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * What login offers: the account's unfinished downloads and uploads, numbered together, so that on a terminal the
 * user resumes one by its number. A script is shown the list and how to continue each, so that its next line stays
 * a command. Main thread.
 */
final class UnfinishedTransfers {
    private UnfinishedTransfers() {}

    /** Lists them and, on a terminal, resumes the one chosen; false if that resume failed. */
    static boolean offerAtLogin(ShellSession s) throws IOException {
        List<DownloadRecord> downloads = s.downloads().listFor(s.host(), s.port(), s.user());
        List<PendingUpload> uploads = PendingUpload.list(s, s.remote());
        if (downloads.isEmpty() && uploads.isEmpty()) {
            return true;
        }
        s.say("unfinished.header");
        int number = 1;
        for (DownloadRecord d : downloads) {
            s.say("unfinished.download", number++, DownloadCommands.describe(s, d));
        }
        for (PendingUpload u : uploads) {
            s.say("unfinished.upload", number++, UploadCommands.describe(s, u));
        }
        if (!s.terminal().interactive()) {
            s.say("unfinished.hint");
            return true;
        }
        String answer = s.ask("resume.offer");
        List<Integer> indexes = IntStream.range(0, number - 1).boxed().toList();
        Optional<Integer> chosen = Choice.pick(indexes, answer == null ? "" : answer.trim());
        if (chosen.isEmpty()) {
            return true;
        }
        int index = chosen.get();
        return index < downloads.size() ? DownloadCommands.resume(s, downloads.get(index))
                : UploadCommands.resume(s, uploads.get(index - downloads.size()), null);
    }
}
