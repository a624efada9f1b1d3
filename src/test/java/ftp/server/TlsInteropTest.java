package ftp.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real FTPS clients against a server with {@code tls.mode=required} (so a transfer that works was protected: PROT C
 * is refused there), every transfer checked with MD5: curl explicit ({@code --ssl-reqd}) and implicit
 * ({@code ftps://}), Python's {@code ftplib.FTP_TLS} with a subclass that resumes the control session on data
 * connections (stock {@code FTP_TLS} does not and gets a 522 that says so), {@code lftp} mirror both ways and the
 * README's {@code lftp} command, {@code wget} over {@code ftps://}, and the
 * {@code openssl s_client -starttls ftp} handshake under TLS 1.3 and 1.2 while TLS 1.1 is refused. Needs curl,
 * python3, lftp, wget and openssl (CI installs them); a missing tool fails the test.
 */
class TlsInteropTest {
    private static final int BIG = 32 << 20;

    /** ftplib.FTP_TLS whose data connections resume the control connection's TLS session (other tests use it too). */
    static final String FTPLIB_PRELUDE = """
            import ftplib, hashlib, ssl, sys

            class ReusingFTP_TLS(ftplib.FTP_TLS):
                def ntransfercmd(self, cmd, rest=None):
                    conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
                    if self._prot_p:
                        conn = self.context.wrap_socket(conn, server_hostname=self.host, session=self.sock.session)
                    return conn, size

            def connect(cls, port):
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                ftp = cls(context=context, timeout=30)
                ftp.connect('127.0.0.1', port)
                ftp.login('alice', 'secret')
                ftp.prot_p()
                return ftp
            """;

    private static TestServer server;
    private static Path big;
    private static String bigMd5;

    @TempDir
    static Path local;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start("tls.mode=required", "tls.implicit_port=0", "quota.default=none");
        big = local.resolve("big.bin");
        byte[] bytes = new byte[BIG];
        new Random(4).nextBytes(bytes);
        Files.write(big, bytes);
        bigMd5 = ExternalClient.md5(bytes);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String url(String path) {
        return "ftp://127.0.0.1:" + server.port() + "/" + path;
    }

    private static ExternalClient.Result curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--fail", "--ssl-reqd", "-k", "-u",
                "alice:secret"));
        command.addAll(List.of(args));
        return ExternalClient.run(command.toArray(String[]::new));
    }

    @Test
    void curlUploadsDownloadsAndListsOverExplicitTls() {
        curl("-T", big.toString(), url("curl/up.bin"), "--ftp-create-dirs").ok();
        assertThat(ExternalClient.md5(server.home("alice").resolve("curl/up.bin"))).isEqualTo(bigMd5);

        // Three downloads on one control connection: every data connection must resume the session again
        // (TLS 1.3 tickets are single-use).
        List<String> args = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            args.addAll(List.of("-o", local.resolve("curl-down-" + i + ".bin").toString(), url("curl/up.bin")));
        }
        curl(args.toArray(String[]::new)).ok();
        for (int i = 0; i < 3; i++) {
            assertThat(ExternalClient.md5(local.resolve("curl-down-" + i + ".bin"))).as("download " + i)
                    .isEqualTo(bigMd5);
        }

        String listing = curl(url("curl/")).ok().output();
        assertThat(listing).contains("up.bin").contains(Integer.toString(BIG));
        assertThat(curl("--list-only", url("curl/")).ok().output().trim()).isEqualTo("up.bin");
    }

    @Test
    void curlPlainFtpIsRefusedUnderRequiredTls() {
        ExternalClient.Result plain = ExternalClient.run("curl", "-sS", "--fail", "-u", "alice:secret",
                url(""));
        assertThat(plain.exitCode()).as(plain.output()).isNotZero();
        assertThat(plain.output()).contains("530");
    }

    @Test
    void curlImplicitFtpsRoundTrip() throws IOException {
        byte[] bytes = new byte[3 << 20];
        new Random(990).nextBytes(bytes);
        Path up = Files.write(local.resolve("implicit.bin"), bytes);
        String base = "ftps://127.0.0.1:" + server.implicitPort() + "/";
        ExternalClient.run("curl", "-sS", "--fail", "-k", "-u", "alice:secret", "-T", up.toString(),
                base + "implicit.bin").ok();
        assertThat(ExternalClient.md5(server.home("alice").resolve("implicit.bin")))
                .isEqualTo(ExternalClient.md5(bytes));
        Path down = local.resolve("implicit-down.bin");
        ExternalClient.run("curl", "-sS", "--fail", "-k", "-u", "alice:secret", "-o", down.toString(),
                base + "implicit.bin").ok();
        assertThat(ExternalClient.md5(down)).isEqualTo(ExternalClient.md5(bytes));
    }

    @Test
    void pythonFtpTlsResumingSessionsRoundTripsALargeFile() {
        Path down = local.resolve("python-down.bin");
        Path script = ExternalClient.script(local, "roundtrip.py", FTPLIB_PRELUDE + """

                ftp = connect(ReusingFTP_TLS, int(sys.argv[1]))
                with open(sys.argv[2], 'rb') as f:
                    ftp.storbinary('STOR python.bin', f, blocksize=256 * 1024)
                digest = hashlib.md5()
                with open(sys.argv[3], 'wb') as f:
                    def take(block):
                        f.write(block)
                        digest.update(block)
                    ftp.retrbinary('RETR python.bin', take, blocksize=256 * 1024)
                print('md5', digest.hexdigest())
                print('list', ftp.nlst())
                ftp.quit()
                """);
        String out = ExternalClient.run("python3", script.toString(), Integer.toString(server.port()),
                big.toString(), down.toString()).ok().output();
        assertThat(ExternalClient.md5(server.home("alice").resolve("python.bin"))).isEqualTo(bigMd5);
        assertThat(ExternalClient.md5(down)).isEqualTo(bigMd5);
        assertThat(out).contains("md5 " + bigMd5).contains("python.bin");
    }

    @Test
    void stockPythonFtpTlsGetsAClientNeutral522SayingHowToResume() {
        server.write("alice", "stock.txt", "hello".getBytes(StandardCharsets.UTF_8));
        Path script = ExternalClient.script(local, "stock.py", FTPLIB_PRELUDE + """

                ftp = connect(ftplib.FTP_TLS, int(sys.argv[1]))
                try:
                    ftp.retrbinary('RETR stock.txt', lambda block: None)
                    print('transfer worked')
                except ftplib.error_perm as e:
                    print('refused', e)
                print('after', ftp.voidcmd('NOOP'))
                ftp.quit()
                """);
        String out = ExternalClient.run("python3", script.toString(), Integer.toString(server.port())).ok()
                .output();
        // The refusal says what any client's user or the server's admin can do, and names no client.
        assertThat(out).contains("refused 522").contains("resume the control connection's TLS session")
                .contains("TLS 1.2").contains("tls.require_session_reuse=false")
                .doesNotContain("transfer worked").doesNotContain("Python").doesNotContain("README");
        assertThat(out).contains("after 200"); // the control connection survives the refusal
    }

    @Test
    void lftpMirrorsUpAndDownOverTls() throws IOException {
        Path tree = Files.createDirectories(local.resolve("tree/sub/deeper"));
        Random random = new Random(7);
        List<Path> files = new ArrayList<>();
        // Uploads of a few MiB fit in the socket buffers, so lftp has sent everything and closed before the
        // server could answer its handshake: the case where a TLS 1.3 ticket sent at once made lftp reset them.
        int[] sizes = {2_591_693, 65_536, 2_565_688, 700_001, 1_908_976, 0};
        String[] names = {"a.bin", "b.bin", "sub/c.bin", "sub/d.bin", "sub/deeper/e.bin", "sub/empty.dat"};
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            byte[] bytes = new byte[sizes[i]];
            random.nextBytes(bytes);
            files.add(Files.write(local.resolve("tree").resolve(name), bytes));
        }
        assertThat(tree).isDirectory();
        String settings = "set ftp:ssl-force true; set ftp:ssl-protect-data true; set ssl:verify-certificate no; "
                + "set net:max-retries 1; set net:timeout 20; ";
        String port = Integer.toString(server.port());
        // -d shows the replies: a transfer cut and retried (lftp retries quietly) must not happen either.
        String up = ExternalClient.run("lftp", "-d", "-u", "alice,secret", "-p", port, "-e",
                settings + "mirror -R " + local.resolve("tree") + " /lftp; quit", "127.0.0.1").ok().output();
        assertThat(up).contains("<--- 234").doesNotContain("<--- 426").doesNotContain("<--- 425");
        Path down = local.resolve("lftp-down");
        String back = ExternalClient.run("lftp", "-d", "-u", "alice,secret", "-p", port, "-e",
                settings + "mirror /lftp " + down + "; quit", "127.0.0.1").ok().output();
        assertThat(back).doesNotContain("<--- 426").doesNotContain("<--- 425");
        for (Path f : files) {
            String relative = local.resolve("tree").relativize(f).toString();
            String expected = ExternalClient.md5(f);
            assertThat(ExternalClient.md5(server.home("alice").resolve("lftp").resolve(relative))).as(relative)
                    .isEqualTo(expected);
            assertThat(ExternalClient.md5(down.resolve(relative))).as(relative).isEqualTo(expected);
        }
    }

    @Test
    void lftpAsTheReadmeSaysLogsInOverTlsAndLists() {
        server.write("alice", "readme/hello.txt", "hello".getBytes(StandardCharsets.UTF_8));
        // The README's command, for a server whose certificate the machine does not trust: commands on stdin.
        ExternalClient.Result r = ExternalClient.run("cd readme\nls\nquit\n".getBytes(StandardCharsets.UTF_8),
                "lftp", "-e", "set ssl:verify-certificate no", "-u", "alice,secret", "-p",
                Integer.toString(server.port()), "127.0.0.1").ok();
        assertThat(r.output()).contains("hello.txt");
    }

    @Test
    void wgetDownloadsOverExplicitTlsResumingTheSession() throws IOException {
        server.write("alice", "wget/tls.bin", Files.readAllBytes(big));
        Path down = local.resolve("wget-tls.bin");
        // ftps:// is explicit FTPS (AUTH TLS) in wget, PROT P, resuming the control session on data connections.
        ExternalClient.Result r = ExternalClient.run("wget", "-nv", "--no-check-certificate", "-O", down.toString(),
                "ftps://alice:secret@127.0.0.1:" + server.port() + "/wget/tls.bin").ok();
        assertThat(ExternalClient.md5(down)).as(r.output()).isEqualTo(bigMd5);
    }

    @Test
    void opensslStartTlsHandshakesUnderTls13And12ThenLogsIn() {
        for (String version : List.of("-tls1_3", "-tls1_2")) {
            String out = sClient(version).ok().output();
            String name = version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2";
            assertThat(out).as(version).contains("New, " + name + ", Cipher is ")
                    .contains("230 User alice logged in").contains("257 \"/\"").contains("221 ");
        }
    }

    @Test
    void opensslStartTlsWithTls11IsRefused() {
        ExternalClient.Result r = sClient("-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("alert protocol version").doesNotContain("230 ");
    }

    private static ExternalClient.Result sClient(String... options) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-starttls", "ftp", "-crlf",
                "-ign_eof", "-connect", "127.0.0.1:" + server.port()));
        command.addAll(List.of(options));
        byte[] input = "USER alice\nPASS secret\nPWD\nQUIT\n".getBytes(StandardCharsets.US_ASCII);
        return ExternalClient.run(input, command.toArray(String[]::new));
    }

    @Test
    void javaClientOverTheImplicitPortResumesOnEveryDataConnection() throws IOException {
        byte[] bytes = new byte[1 << 20];
        new Random(12).nextBytes(bytes);
        try (ControlClient c = ControlClient.implicitTls(server.implicitPort())) {
            c.send("USER bob");
            c.expect(331);
            c.send("PASS secret");
            c.expect(230);
            c.send("PBSZ 0");
            c.expect(200);
            c.send("PROT P");
            c.expect(200);
            assertThat(c.uploadProtected("STOR j.bin", bytes)).startsWith("226");
            for (int i = 0; i < 4; i++) {
                assertThat(ExternalClient.md5(c.fetchProtected("RETR j.bin"))).as("download " + i)
                        .isEqualTo(ExternalClient.md5(bytes));
            }
            assertThat(new String(c.fetchProtected("NLST"), StandardCharsets.UTF_8)).contains("j.bin");
        }
    }
}
