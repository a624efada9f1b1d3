package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The client remembers its unfinished transfers: an upload's local file wherever it was, offered at login beside
 * the downloads; a plain upload or download of a file with an unfinished transfer never starts over silently; a
 * download never overwrites a local file unless told to. Commands on standard input, against a real server.
 */
class ClientResumeTest extends AgainstServer {
    private static final int MB = 1 << 20;

    @Test
    void anUploadFromOutsideTheLocalFolderResumesFromTheFileItCameFrom() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Path local = clientDir.resolve("elsewhere/big50.bin");
        ClientEndToEndTest.write(local, 40L * MB, 11);
        Path remote = server.home("egon").resolve("big2.bin");
        ClientRun.killMidTransfer(server, client.start("egon", "upload " + local + " big2.bin\n"),
                () -> ClientRun.sizeOf(remote), 5 * MB, "/big2.bin");

        ClientRun.Result r = client.run("egon", "resume_upload big2.bin\n");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("Unfinished transfers:\n1) upload    ~/big2.bin ").contains(" <- " + local)
                .contains("Resuming ~/big2.bin from ").contains("MD5 verified");
        assertThat(Files.mismatch(local, remote)).isEqualTo(-1);
    }

    @Test
    void aPlainUploadOfAnUnfinishedFileDoesNotStartOverButSaysHow() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        ClientEndToEndTest.write(client.files().resolve("again.bin"), 40L * MB, 12);
        Path remote = server.home("egon").resolve("again.bin");
        ClientRun.killMidTransfer(server, client.start("egon", "upload again.bin\n"), () -> ClientRun.sizeOf(remote),
                5 * MB, "/again.bin");
        long kept = Files.size(remote);

        ClientRun.Result refused = client.run("egon", "upload again.bin\n");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("The upload of ~/again.bin was not finished")
                .contains("resume_upload ~/again.bin").contains("upload -f again.bin");
        assertThat(Files.size(remote)).isEqualTo(kept);

        ClientRun.Result over = client.run("egon", "upload -f again.bin\nresume_upload\n");
        assertThat(over.exit()).as(over.all()).isZero();
        assertThat(over.out()).contains("MD5 verified").contains("No unfinished uploads.");
        assertThat(Files.mismatch(client.files().resolve("again.bin"), remote)).isEqualTo(-1);
    }

    @Test
    void aCompleteRemoteFileIsNotResumed() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Files.writeString(client.files().resolve("whole.txt"), "whole\n");
        Files.writeString(server.home("egon").resolve("whole.txt"), "whole\n");
        long logged = server.transfersLogged("/whole.txt");
        ClientRun.Result r = client.run("egon", "resume_upload whole.txt\n");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("No unfinished uploads.").doesNotContain("Resuming");
        assertThat(server.transfersLogged("/whole.txt")).isEqualTo(logged);
    }

    @Test
    void aPlainDownloadOfAnUnfinishedFileDoesNotStartOverButSaysHow() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Path remote = server.home("egon").resolve("part.bin");
        ClientEndToEndTest.write(remote, 40L * MB, 13);
        Path journal = client.files().resolve(".download");
        ClientRun.killMidTransfer(server, client.start("egon", "download part.bin\n"),
                () -> ClientRun.partSize(journal), 5 * MB, "/part.bin");
        long kept = ClientRun.partSize(journal);

        ClientRun.Result refused = client.run("egon", "download part.bin\n");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("~/part.bin was not downloaded completely")
                .contains("resume_download ~/part.bin").contains("download -f ~/part.bin");
        assertThat(ClientRun.partSize(journal)).isEqualTo(kept);

        ClientRun.Result resumed = client.run("egon", "resume_download part.bin\n");
        assertThat(resumed.exit()).as(resumed.all()).isZero();
        assertThat(Files.mismatch(remote, client.files().resolve("part.bin"))).isEqualTo(-1);
    }

    @Test
    void aDownloadLeavesAnExistingLocalFileAloneUnlessForced() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Files.writeString(server.home("egon").resolve("note.txt"), "from the server\n");
        Path local = client.files().resolve("note.txt");
        Files.writeString(local, "mine\n");

        ClientRun.Result refused = client.run("egon", "download note.txt\n");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains(local + " exists already and was left alone")
                .contains("download -f note.txt").contains("download.existing=rename");
        assertThat(Files.readString(local)).isEqualTo("mine\n");

        ClientRun.Result forced = client.run("egon", "download -f note.txt\n");
        assertThat(forced.exit()).as(forced.all()).isZero();
        assertThat(Files.readString(local)).isEqualTo("from the server\n");
    }

    @Test
    void withTheRenameSettingADownloadWritesANumberedNameBeside() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port(), "download.existing=rename");
        Files.writeString(server.home("egon").resolve("twice.txt"), "server\n");
        Files.writeString(client.files().resolve("twice.txt"), "mine\n");
        ClientRun.Result r = client.run("egon", "download twice.txt\ndownload twice.txt\n");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(Files.readString(client.files().resolve("twice.txt"))).isEqualTo("mine\n");
        assertThat(Files.readString(client.files().resolve("twice (1).txt"))).isEqualTo("server\n");
        assertThat(Files.readString(client.files().resolve("twice (2).txt"))).isEqualTo("server\n");
    }
}
