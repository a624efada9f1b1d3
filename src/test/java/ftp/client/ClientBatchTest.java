package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Whole folders ({@code upload -r}, {@code download -r}) and globs ({@code mput}, {@code mget}): every file arrives
 * identical and MD5-checked, and the same command run again after an interruption skips what is there and resumes
 * the rest. Commands on standard input, against a real server.
 */
class ClientBatchTest extends AgainstServer {
    private static final int MB = 1 << 20;

    /** A project folder: files at two depths, an empty folder, a Chinese name. */
    private static void project(Path dir) throws IOException {
        ClientEndToEndTest.write(dir.resolve("a.bin"), 300_000, 21);
        ClientEndToEndTest.write(dir.resolve("src/main/b.bin"), 2 * MB + 17, 22);
        Files.writeString(dir.resolve("src/说明.txt"), "你好\n");
        Files.createDirectories(dir.resolve("empty"));
    }

    @Test
    void aFolderGoesUpAndComesBackIdenticalAndAgainSkipsWhatIsThere() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Path proj = client.files().resolve("proj");
        project(proj);

        ClientRun.Result up = client.run("egon", "upload -r proj\n");
        assertThat(up.exit()).as(up.all()).isZero();
        assertThat(up.out()).contains("files: 3,").contains("3 sent, 0 already there, 0 failed")
                .contains("each checked by MD5");
        Path remote = server.home("egon").resolve("proj");
        assertSameTree(proj, remote);
        assertThat(remote.resolve("empty")).isDirectory();

        ClientRun.Result again = client.run("egon", "upload -r proj\n");
        assertThat(again.out()).as(again.all()).contains("0 sent, 3 already there, 0 failed");

        ClientRun.Result down = client.run("egon", "download -r proj back\n");
        assertThat(down.exit()).as(down.all()).isZero();
        assertThat(down.out()).contains("3 received, 0 already there, 0 failed");
        assertSameTree(proj, client.files().resolve("back"));
        assertThat(client.files().resolve("back/empty")).isDirectory();
    }

    @Test
    void anInterruptedFolderUploadGoesOnWhereItStoppedWhenRunAgain() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Path tree = client.files().resolve("tree");
        ClientEndToEndTest.write(tree.resolve("1-small.bin"), 100_000, 31);
        ClientEndToEndTest.write(tree.resolve("2-big.bin"), 40L * MB, 32);
        ClientEndToEndTest.write(tree.resolve("3-after.bin"), 100_000, 33);
        Path big = server.home("egon").resolve("tree/2-big.bin");
        ClientRun.killMidTransfer(server, client.start("egon", "upload -r tree\n"), () -> ClientRun.sizeOf(big),
                5 * MB, "/tree/2-big.bin");
        assertThat(ClientRun.sizeOf(big)).isBetween(1L, 40L * MB - 1);

        ClientRun.Result again = client.run("egon", "upload -r tree\n");
        assertThat(again.exit()).as(again.all()).isZero();
        assertThat(again.out()).contains("2 sent, 1 already there, 0 failed");
        assertSameTree(tree, server.home("egon").resolve("tree"));
    }

    @Test
    void aFolderDownloadLeavesADifferentLocalFileAloneAndSaysHowToOverwriteIt() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Path remote = server.home("egon").resolve("mixed");
        Files.createDirectories(remote);
        Files.writeString(remote.resolve("same.txt"), "same\n");
        Files.writeString(remote.resolve("theirs.txt"), "theirs\n");
        Files.writeString(remote.resolve("new.txt"), "new\n");
        Path local = Files.createDirectories(client.files().resolve("mixed"));
        Files.writeString(local.resolve("same.txt"), "same\n");
        Files.writeString(local.resolve("theirs.txt"), "mine\n");

        ClientRun.Result r = client.run("egon", "download -r mixed\n");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("1 received, 1 already there, 1 failed");
        assertThat(r.err()).contains(local.resolve("theirs.txt") + " exists already").contains("download -rf mixed");
        assertThat(local.resolve("theirs.txt")).hasContent("mine");
        assertThat(local.resolve("new.txt")).hasContent("new");

        ClientRun.Result forced = client.run("egon", "download -rf mixed\n");
        assertThat(forced.exit()).as(forced.all()).isZero();
        assertThat(local.resolve("theirs.txt")).hasContent("theirs");
    }

    @Test
    void globsPickTheFilesOnEachSide() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        for (String name : List.of("one.txt", "two.txt", "three.csv")) {
            Files.writeString(client.files().resolve(name), name);
        }
        ClientRun.Result put = client.run("egon", "mkdir globs\ncd globs\nmput *.txt\nls\n");
        assertThat(put.exit()).as(put.all()).isZero();
        assertThat(put.out()).contains("2 sent").contains(" one.txt").contains(" two.txt").doesNotContain("three");

        Path back = Files.createDirectories(clientDir.resolve("back"));
        ClientRun.Result get = client.run("egon", "lcd " + back + "\nmget globs/t*.txt globs/o?e.txt\n");
        assertThat(get.exit()).as(get.all()).isZero();
        try (Stream<Path> files = Files.list(back)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("one.txt", "two.txt");
        }

        ClientRun.Result none = client.run("egon", "mget globs/*.pdf\n");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("Nothing matches globs/*.pdf");
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        try (Stream<Path> walk = Files.walk(expected)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                Path other = actual.resolve(expected.relativize(p).toString());
                assertThat(other).as("%s", other).exists();
                assertThat(Files.mismatch(p, other)).as("%s", other).isEqualTo(-1);
            }
        }
    }
}
