package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every client CI installs, through the same story: log in, a listing the client parses, upload, download,
 * resume both ways, a refusal for quota, FTPS where the client has it. Each cell of that table is tested once:
 *
 * <pre>
 *              listing  up/down        resume both ways  quota  FTPS
 * curl         Core     Transfer       Transfer          here   TlsInterop
 * lftp         here     Transfer       here              here   TlsInterop (and the README's command)
 * ftplib       here     Core/Transfer  here              here   TlsInterop
 * wget         here     here (no upload: wget cannot)    -      TlsInterop
 * tnftp        here     here           here              here   - (tnftp has no TLS)
 * </pre>
 *
 * (Core = InteropCoreTest, Transfer = InteropTransferTest.) Files are small: the big ones are InteropTransferTest's.
 * A failing client's own output is in the failure message. Needs curl, lftp, python3, wget and tnftp (CI installs
 * them); a missing one fails the test.
 */
class InteropClientsTest {
    private static final int SIZE = 100_000;
    private static final int QUOTA = 50_000;

    private static TestServer server;
    private static byte[] content;
    private static Path contentFile;
    private static String contentMd5;

    @TempDir
    static Path local;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start("quota.default=none");
        server.setQuota("bob", QUOTA);
        content = new byte[SIZE];
        new Random(33).nextBytes(content);
        contentFile = Files.write(local.resolve("content.bin"), content);
        contentMd5 = ExternalClient.md5(content);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Puts the files a client's story starts from into alice's {@code dir}. */
    private static void serverFiles(String dir) {
        server.write("alice", dir + "/data.bin", content);
        server.write("alice", dir + "/sub/inner.txt", "inner\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        server.write("alice", dir + "/resume-up.bin", Arrays.copyOf(content, 40_000)); // a cut upload
    }

    /** A local copy of the first {@code bytes} of the content: a cut download. */
    private static Path partial(String name, int bytes) throws IOException {
        return Files.write(local.resolve(name), Arrays.copyOf(content, bytes));
    }

    private static void assertWhole(Path file, ExternalClient.Result by) {
        assertThat(file).as("%s%n%s", file, by.output()).exists();
        assertThat(ExternalClient.md5(file)).as("%s after:%n%s", file, by.output()).isEqualTo(contentMd5);
    }

    private static void assertNothingKeptForBob(ExternalClient.Result by) {
        try (var files = Files.walk(server.home("bob"))) {
            assertThat(files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/.upload/")))
                    .as(by.output()).isEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String port() {
        return Integer.toString(server.port());
    }

    @Test
    void curlIsRefusedForQuotaWithTheServersReason() {
        ExternalClient.Result refused = ExternalClient.run("curl", "-sS", "-u", "bob:secret", "-T",
                contentFile.toString(), "ftp://127.0.0.1:" + port() + "/curl-over.bin");
        assertThat(refused.exitCode()).as("curl exit 70 = storage allocation exceeded:%n%s", refused.output())
                .isEqualTo(70);
        assertNothingKeptForBob(refused);
    }

    @Test
    void lftpParsesListingsResumesBothWaysAndReportsTheQuota() throws IOException {
        serverFiles("lftp");
        Path cut = partial("lftp-down.bin", 30_000);
        String settings = "set net:max-retries 1; set net:timeout 20; set ftp:ssl-allow no; ";
        // LIST parsed (not MLSD) into names and byte sizes.
        ExternalClient.Result list = ExternalClient.run("lftp", "-u", "alice,secret", "-p", port(), "-e",
                settings + "set ftp:use-mlsd no; cls -1 --size --block-size=1 lftp/; quit", "127.0.0.1").ok();
        assertThat(list.output().lines().map(String::trim)).as(list.output())
                .contains(SIZE + " lftp/data.bin", "40000 lftp/resume-up.bin", "4096 lftp/sub/");

        ExternalClient.Result resume = ExternalClient.run("lftp", "-d", "-u", "alice,secret", "-p", port(), "-e",
                settings + "cd lftp; put -c " + contentFile + " -o resume-up.bin; get -c data.bin -o " + cut
                        + "; quit", "127.0.0.1").ok();
        assertThat(resume.output()).contains("---> REST 40000").contains("---> REST 30000");
        assertWhole(server.home("alice").resolve("lftp/resume-up.bin"), resume);
        assertWhole(cut, resume);

        ExternalClient.Result refused = ExternalClient.run("lftp", "-u", "bob,secret", "-p", port(), "-e",
                settings + "put " + contentFile + " -o lftp-over.bin; quit", "127.0.0.1");
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("552");
        assertNothingKeptForBob(refused);
    }

    @Test
    void pythonFtplibParsesMlsdResumesBothWaysAndReportsTheQuota() throws IOException {
        serverFiles("py");
        Path cut = partial("py-down.bin", 25_000);
        Path script = ExternalClient.script(local, "story.py", """
                import ftplib, os, sys
                port, content, cut = int(sys.argv[1]), sys.argv[2], sys.argv[3]
                ftp = ftplib.FTP()
                ftp.connect('127.0.0.1', port, timeout=30)
                ftp.login('alice', 'secret')
                ftp.cwd('py')
                for name, facts in sorted(ftp.mlsd()):
                    print('mlsd', name, facts['type'], facts.get('size', '-'))
                with open(content, 'rb') as f:
                    f.seek(40000)
                    ftp.storbinary('STOR resume-up.bin', f, rest=40000)
                with open(cut, 'ab') as f:
                    ftp.retrbinary('RETR data.bin', f.write, rest=os.path.getsize(cut))
                ftp.quit()
                bob = ftplib.FTP()
                bob.connect('127.0.0.1', port, timeout=30)
                bob.login('bob', 'secret')
                try:
                    with open(content, 'rb') as f:
                        bob.storbinary('STOR py-over.bin', f)
                    print('stored')
                except ftplib.error_perm as e:
                    print('refused', e)
                bob.quit()
                """);
        ExternalClient.Result story = ExternalClient.run("python3", script.toString(), port(),
                contentFile.toString(), cut.toString()).ok();
        assertThat(story.output().lines()).as(story.output()).contains("mlsd data.bin file " + SIZE,
                "mlsd resume-up.bin file 40000", "mlsd sub dir -");
        assertWhole(server.home("alice").resolve("py/resume-up.bin"), story);
        assertWhole(cut, story);
        assertThat(story.output()).contains("refused 552").doesNotContain("stored");
        assertNothingKeptForBob(story);
    }

    @Test
    void wgetParsesListingsToFetchATreeAndResumesADownload() throws IOException {
        serverFiles("wget");
        Path tree = Files.createDirectories(local.resolve("wget-tree"));
        ExternalClient.Result recursive = ExternalClient.run("wget", "-nv", "-r", "-nH", "-P", tree.toString(),
                "ftp://alice:secret@127.0.0.1:" + port() + "/wget/").ok();
        assertWhole(tree.resolve("wget/data.bin"), recursive);
        assertThat(tree.resolve("wget/sub/inner.txt")).as(recursive.output()).hasContent("inner");

        Path cut = partial("wget-down.bin", 60_000);
        ExternalClient.Result resume = ExternalClient.run("wget", "-nv", "-c", "-O", cut.toString(),
                "ftp://alice:secret@127.0.0.1:" + port() + "/wget/data.bin").ok();
        assertWhole(cut, resume);
        assertThat(server.xferlog()).as("only the missing part was sent")
                .anyMatch(l -> l.contains(" " + (SIZE - 60_000) + " /wget/data.bin "));
    }

    @Test
    void tnftpListsTransfersResumesBothWaysAndReportsTheQuota() throws IOException {
        serverFiles("tnftp");
        Path cut = partial("tnftp-down.bin", 20_000);
        Path fetched = Files.createDirectories(local.resolve("tnftp-mget"));
        String commands = String.join("\n", "user alice secret", "binary", "cd tnftp", "ls",
                "put " + contentFile + " up.bin", "get up.bin " + local.resolve("tnftp-up-back.bin"),
                "reget data.bin " + cut, "restart 40000", "put " + contentFile + " resume-up.bin",
                "lcd " + fetched, "prompt", "mget *.bin", "quit", "");
        ExternalClient.Result story = ExternalClient.run(commands.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "tnftp", "-n", "-p", "-v", "127.0.0.1", port()).ok();
        assertThat(story.output()).contains("230 ").contains(" data.bin").contains(" sub");
        assertWhole(server.home("alice").resolve("tnftp/up.bin"), story);
        assertWhole(local.resolve("tnftp-up-back.bin"), story);
        assertThat(story.output()).contains("350 Restarting at 20000").contains("350 Restarting at 40000");
        assertWhole(cut, story);
        assertWhole(server.home("alice").resolve("tnftp/resume-up.bin"), story);
        assertWhole(fetched.resolve("data.bin"), story); // mget: the names came from NLST

        ExternalClient.Result refused = ExternalClient.run(
                ("user bob secret\nbinary\nput " + contentFile + " tnftp-over.bin\nquit\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "tnftp", "-n", "-p", "-v", "127.0.0.1", port());
        assertThat(refused.output()).contains("552 ");
        assertNothingKeptForBob(refused);
    }
}
