package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bin/ftp} as a user runs it, with commands on standard input, against a real {@code bin/ftpd} with TLS
 * required: every command, MD5 both ways, the quota refusal, interrupted transfers resumed to identical files, the
 * unfinished-download list at login, the certificate pin, Chinese messages, and the progress bar on a terminal.
 */
class ClientEndToEndTest extends AgainstServer {
    private static final int MB = 1 << 20;

    @Test
    void everyCommandWorksAgainstTheServer() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        write(client.files().resolve("a.bin"), 300_000, 1);
        Files.writeString(client.files().resolve("数据 1.txt"), "你好, ftp\n");
        ClientRun.Result r = client.run("egon", String.join("\n",
                "pwd", "mkdir /d1/d2", "mkdir -p /d1/d2", "cd /d1", "pwd", "upload a.bin", "upload \"数据 1.txt\" d2",
                "ls", "ls d2", "cd d2", "cd ..", "cd .", "rename a.bin b.bin", "download b.bin copy.bin",
                "download \"d2/数据 1.txt\" cn.txt", "quota", "lls", "lpwd", "remove b.bin", "rm \"d2/数据 1.txt\"",
                "rmdir d2", "cd", "rmdir d1", "ls", "quit", ""));

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("Username and password correct, authenticated!")
                .contains("Directory created!").contains("Directory already exists: ~/d1/d2")
                .contains("\n/d1\n").contains("You may upload. Space available before the upload: ")
                .contains("upload succeed!").contains("Upload complete. Space left after the upload: ")
                .contains("download succeed!").contains("Used: ").contains("limit: 1.00 GiB")
                .contains("File removed!").contains("Directory removed!").contains("Renamed!")
                .contains(" a.bin").contains(" d2").contains(" 数据 1.txt").contains("292.97 KiB  a.bin")
                .contains(client.files().toString());
        assertThat(r.out().split("MD5 verified: ", -1)).hasSize(5);
        assertThat(mismatch(client.files().resolve("a.bin"), client.files().resolve("copy.bin"))).isEqualTo(-1);
        assertThat(Files.readString(client.files().resolve("cn.txt"))).isEqualTo("你好, ftp\n");
        assertThat(server.home("egon").resolve("d1")).doesNotExist();
        assertThat(r.out()).doesNotContain("[egon@").doesNotContainPattern("\r");
    }

    /** The server refuses data connections that do not resume the control session; many in a row must work. */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void manyDataConnectionsInARowResumeTheTlsSession(String protocol) throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port(), "tls.protocols=" + protocol);
        write(client.files().resolve(protocol + ".bin"), 100_000, 8);
        String name = protocol + ".bin";
        ClientRun.Result r = client.run("egon", "", "-c", String.join("; ", "ls", "upload " + name, "ls", "ls",
                "download " + name + " back.bin", "upload " + name, "ls", "download -f " + name + " back.bin",
                "remove " + name, "ls"));
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out().split("MD5 verified", -1)).hasSize(5);
        assertThat(mismatch(client.files().resolve(name), client.files().resolve("back.bin"))).isEqualTo(-1);
    }

    @Test
    void theClientConnectsBeforeAskingForTheUserAndPassword() throws Exception {
        Path conf = Files.createDirectories(clientDir.resolve("conf"));
        int closedPort;
        try (ServerSocket nobody = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = nobody.getLocalPort();
        }
        BufferedReader typed = new BufferedReader(new StringReader("egon\n123\n"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Terminal terminal = new Terminal(null, typed, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        int exit = FtpClientMain.run(new String[] {"--conf", conf.toString(), "127.0.0.1",
            Integer.toString(closedPort)}, Map.of(), terminal);
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Cannot connect to 127.0.0.1:" + closedPort);
        assertThat(typed.readLine()).as("nothing was asked").isEqualTo("egon");
    }

    @Test
    void thePromptNamesTheServersOwnMachineLocalhostAsTheSeedDoes() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        ClientSettings settings = ClientSettings.load(client.conf());
        Messages messages = new Messages(Locale.ENGLISH);
        Terminal terminal = new Terminal(null, new BufferedReader(new StringReader("")),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Map.of());
        Connector connector = new Connector("127.0.0.1", server.port(), true, settings, messages, terminal, null);
        try (ShellSession session = new ShellSession(messages, terminal, settings, connector, "egon",
                "123".toCharArray(), connector.open("egon", "123".toCharArray()))) {
            assertThat(session.prompt()).isEqualTo("[egon@localhost ~]# ");
        }
    }

    @Test
    void plaintextIsRefusedByAServerThatRequiresTls() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        ClientRun.Result r = client.run("egon", "pwd\n", "--plain");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Login failed: 5");
        assertThat(client.conf().resolve("known_hosts")).doesNotExist();
    }

    @Test
    void aFailedCommandMakesTheExitCodeNonZeroAndTheRestStillRuns() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        ClientRun.Result r = client.run("egon", "rmdir /no-such-dir\ncd /no-such-dir\npwd\n");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Failed to remove directory /no-such-dir: 550").contains("cd /no-such-dir: 550");
        assertThat(r.out()).endsWith("/\n");
    }

    @Test
    void aWrongPasswordFailsTheLogin() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Process p = client.start("egon", "pwd\n", Map.of("FTP_PASSWORD", "wrong"));
        ClientRun.Result r = ClientRun.finish(p);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("Login failed: 530");
    }

    @Test
    void quotaRefusesAnUploadThatCannotFitBeforeSendingAnything() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        write(client.files().resolve("big.bin"), 2 * MB, 2);
        ClientRun.Result r = client.run("alex", "quota\nupload big.bin\n");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("limit: 1.00 MiB").containsPattern("Files and folders: \\d+, limit: 100000");
        assertThat(r.err()).contains("Not enough space: the file needs 2.00 MiB").contains("Nothing was sent.");
        assertThat(r.out()).doesNotContain("upload running");
        assertThat(server.home("alex").resolve("big.bin")).doesNotExist();
    }

    @Test
    void anInterruptedUploadResumesToAnIdenticalFile() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Path local = client.files().resolve("up.bin");
        long size = 48L * MB;
        write(local, size, 3);
        Path remote = server.home("egon").resolve("up.bin");
        ClientRun.killMidTransfer(server, client.start("egon", "upload up.bin\n"), () -> ClientRun.sizeOf(remote), 5 * MB, "/up.bin");
        long partial = ClientRun.sizeOf(remote);
        assertThat(partial).isBetween(1L, size - 1);

        flipFirstByte(remote);
        ClientRun.Result corrupted = client.run("egon", "resume_upload up.bin\n");
        assertThat(corrupted.exit()).as(corrupted.all()).isEqualTo(1);
        assertThat(corrupted.err()).contains("does not start with the").contains("upload -f ");
        flipFirstByte(remote);

        FileTime recorded = Files.getLastModifiedTime(local);
        Files.setLastModifiedTime(local, FileTime.fromMillis(recorded.toMillis() + 60_000));
        ClientRun.Result touched = client.run("egon", "resume_upload up.bin\n");
        assertThat(touched.exit()).as(touched.all()).isEqualTo(1);
        assertThat(touched.err()).contains(local + " changed since the upload started");
        Files.setLastModifiedTime(local, recorded);

        ClientRun.Result r = client.run("egon", "resume_upload\nresume_upload\n");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("1) ~/up.bin ").contains(" <- " + local).contains("Resuming ~/up.bin from ")
                .contains("MD5 verified").contains("No unfinished uploads.");
        assertThat(mismatch(local, remote)).isEqualTo(-1);
    }

    @Test
    void anInterruptedDownloadIsOfferedAtLoginAndResumesToAnIdenticalFile() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Path remote = server.home("egon").resolve("down.bin");
        write(remote, 48L * MB, 4);
        Path journal = client.files().resolve(".download");
        ClientRun.killMidTransfer(server, client.start("egon", "download down.bin\n"), () -> ClientRun.partSize(journal), 5 * MB, "/down.bin");
        assertThat(ClientRun.partSize(journal)).isBetween(1L, 48L * MB - 1);

        ClientRun.Result r = client.run("egon", "resume_download 1\nresume_download\n");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("Unfinished transfers:\n1) download  ~/down.bin").contains("resume_download NAME")
                .contains("Resuming ~/down.bin from ").contains("MD5 verified").contains("No unfinished downloads.");
        assertThat(mismatch(remote, client.files().resolve("down.bin"))).isEqualTo(-1);
        try (Stream<Path> left = Files.list(journal)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aDownloadWhoseRemoteFileChangedStartsOver() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Path remote = server.home("egon").resolve("changed.bin");
        write(remote, MB, 5);
        DownloadJournal journal = new DownloadJournal(client.files());
        DownloadRecord record = journal.start("127.0.0.1", server.port(), "egon", "/changed.bin", MB, "",
                client.files().resolve("changed.bin"));
        write(record.partial(), MB / 2, 6);
        journal.save(record.withBytes(MB / 2));

        ClientRun.Result r = client.run("egon", "resume_download 1\n");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.err()).contains("~/changed.bin changed on the server since the download started");
        assertThat(mismatch(remote, client.files().resolve("changed.bin"))).isEqualTo(-1);
    }

    @Test
    void theCertificateIsPinnedOnFirstUseAndAChangedOneIsRefused() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        ClientRun.Result first = client.run("egon", "pwd\n");
        assertThat(first.exit()).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(server.keyStore())) {
            keys.load(in, "changeit".toCharArray());
        }
        String alias = keys.aliases().nextElement();
        String fingerprint = KnownHosts.fingerprint((X509Certificate) keys.getCertificate(alias));
        String endpoint = "127.0.0.1:" + server.port();
        assertThat(first.out()).contains("First connection to " + endpoint).contains(fingerprint);
        assertThat(Files.readString(client.conf().resolve("known_hosts"))).contains(endpoint + " " + fingerprint);

        String other = "SHA256:" + "00:".repeat(31) + "00";
        Files.writeString(client.conf().resolve("known_hosts"), endpoint + " " + other + "\n");
        ClientRun.Result refused = client.run("egon", "pwd\n");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("THE CERTIFICATE OF " + endpoint + " HAS CHANGED").contains(other)
                .contains(fingerprint).contains("Refusing to connect");
        assertThat(refused.out()).doesNotContain("authenticated");
    }

    @Test
    void messagesSayWhatToDoInsteadOfStayingSilentOrQuotingTheProtocol() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Files.writeString(client.files().resolve("s.txt"), "s");
        ClientRun.Result r = client.run("shx", String.join("\n", "mkdir empty", "ls empty", "remove empty",
                "upload s.txt", "quota", "remove s.txt", "rmdir empty", ""));
        assertThat(r.out()).contains("The folder empty is empty.")
                .contains("Space available before the upload: unlimited!")
                .contains("Space left after the upload: unlimited!").contains("limit: unlimited, free: unlimited");
        assertThat(r.err()).contains("empty is a folder: remove it with rmdir").doesNotContain("RMD");
    }

    @Test
    void theLocalFolderIsCreatedShownAndAFileBesideItIsPointedTo() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Files.delete(client.files());
        Files.writeString(clientDir.resolve("five.bin"), "five");
        ClientRun.Result r = client.run("egon", "lls\nupload five.bin\n");
        assertThat(client.files()).isDirectory();
        assertThat(r.out()).contains("Local folder: " + client.files() + " (change it with lcd)");
        assertThat(r.err()).contains("No such local file or directory: " + client.files().resolve("five.bin"))
                .contains("five.bin is in the folder ftp was started from, " + clientDir + ": give its full path ("
                        + clientDir.resolve("five.bin") + "), or lcd there first.");
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void serverRefusalsAreTranslatedWithTheirCodeInChinese() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port(), "locale=zh_CN");
        ClientRun.Result r = client.run("egon", "cd /nope\n");
        assertThat(r.err()).contains("切换目录 /nope 失败: 550 没有这个文件或目录。");
        ClientRun.Result wrong = ClientRun.finish(client.start("egon", "pwd\n", Map.of("FTP_PASSWORD", "wrong")));
        assertThat(wrong.err()).contains("登录失败: 530 用户名或密码错误。");
    }

    @Test
    void messagesAreInChineseUnderAChineseLocale() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port(), "locale=");
        Files.writeString(client.files().resolve("a.txt"), "a".repeat(1000));
        Process p = client.start("egon", String.join("\n", "mkdir /中文/子目录", "upload a.txt /中文",
                "remove /中文/a.txt", "rmdir /中文/子目录", "rmdir /中文", ""), Map.of("LANG", "zh_CN.UTF-8"));
        ClientRun.Result r = ClientRun.finish(p);
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("用户名密码正确, 认证成功!").contains("创建目录成功!")
                .contains("你可以上传文件, 在您上传之前, 您的目前空间:")
                .contains("upload running...")
                .contains("上传文件成功, 您上传完后的剩余空间:").contains("MD5校验一致")
                .contains("删除文件成功!").contains("删除目录成功!");
    }

    @Test
    void theProgressBarRedrawsInPlaceOnATerminal() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        write(client.files().resolve("tty.bin"), 24L * MB, 7);
        String command = client.command("egon", "-c", "upload tty.bin; remove tty.bin; quit").stream()
                .map(ClientEndToEndTest::shellQuoted).collect(Collectors.joining(" "));
        ProcessBuilder builder = new ProcessBuilder("script", "-qfec", command, "/dev/null");
        builder.environment().put("FTP_PASSWORD", "123");
        builder.environment().put("COLUMNS", "72");
        builder.redirectErrorStream(true);
        Process p = builder.start();
        p.getOutputStream().close();
        String screen = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(screen).isZero();

        String upload = screen.substring(screen.indexOf("upload running..."), screen.indexOf("upload succeed!"));
        List<String> frames = List.of(upload.split("\r(?!\n)"));
        assertThat(frames.size()).as("redraws in place: " + upload).isGreaterThanOrEqualTo(3);
        String last = frames.get(frames.size() - 1).strip();
        assertThat(last).startsWith("[").contains("] 100.00%");
        for (String frame : frames.subList(1, frames.size())) {
            assertThat(frame.strip().length()).as(frame).isLessThan(72);
        }
    }

    private static String shellQuoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }


    /** Flips the bits of the first byte, as damage would. */
    private static void flipFirstByte(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            int first = f.read();
            f.seek(0);
            f.write(0xff ^ first);
        }
    }

    private static long mismatch(Path a, Path b) throws IOException {
        return Files.mismatch(a, b);
    }

    /** {@code size} bytes that differ in every MiB block: one random block with the block number stamped in. */
    static void write(Path file, long size, long seed) throws IOException {
        byte[] block = new byte[MB];
        new Random(seed).nextBytes(block);
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0, n = 0; done < size; done += MB, n++) {
                ByteBuffer.wrap(block).putLong(n ^ seed);
                out.write(block, 0, (int) Math.min(MB, size - done));
            }
        }
    }
}
