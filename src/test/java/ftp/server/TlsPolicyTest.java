package ftp.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings around the refusals: {@code tls.mode=remote} lets loopback clients log in without TLS (netcat
 * debugging on the server's own machine) but not transfer in clear unless {@code tls.loopback_plain_data=true}, {@code tls.require_session_reuse=false} accepts data connections that
 * do not resume the control session (stock Python {@code FTP_TLS}), AUTH TLS after a plaintext login still drops
 * what was pipelined behind it, and a TLS upload cut without close_notify is kept as unfinished, not complete.
 */
class TlsPolicyTest {
    private static TestServer server;

    @TempDir
    static Path local;

    @BeforeAll
    static void start() {
        server = TestServer.start("tls.mode=remote", "tls.require_session_reuse=false");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void remoteModeLetsALoopbackClientLogInInClearButTransferOnlyUnderProtP() {
        server.write("alice", "hello.txt", "hello".getBytes(StandardCharsets.UTF_8));
        try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            assertThat(c.tlsSession()).isNull();
            assertThat(c.command("STAT")).contains("Control connection: plain");
            c.epsvPort();
            assertThat(c.command("RETR hello.txt")).startsWith("521");
            try (ControlClient tls = c.startTls()) {
                assertThat(tls.command("STAT")).contains("Control connection: TLS");
                tls.epsvPort();
                assertThat(tls.command("RETR hello.txt")).as("still PROT C").startsWith("521 ")
                        .contains("use PBSZ 0 and PROT P");
                assertThat(tls.command("PBSZ 0")).startsWith("200");
                assertThat(tls.command("PROT P")).startsWith("200");
                assertThat(new String(tls.fetchProtected("RETR hello.txt"), StandardCharsets.UTF_8)).isEqualTo("hello");
            }
        }
    }

    @Test
    void withLoopbackPlainDataALoopbackClientTransfersInClear() {
        try (TestServer open = TestServer.start("tls.mode=remote", "tls.loopback_plain_data=true",
                "tls.keystore=" + server.keystore())) {
            open.write("alice", "hello.txt", "hello".getBytes(StandardCharsets.UTF_8));
            try (ControlClient c = ControlClient.loggedIn(open.port(), "alice", "secret")) {
                assertThat(c.tlsSession()).isNull();
                assertThat(new String(c.fetch("RETR hello.txt"), StandardCharsets.UTF_8)).isEqualTo("hello");
            }
        }
    }

    @Test
    void withoutRequiredReuseAFreshDataHandshakeIsServed() throws IOException {
        byte[] content = new byte[300_000];
        new Random(3).nextBytes(content);
        server.write("bob", "open.bin", content);
        try (ControlClient c = ControlClient.loggedInTls(server.port(), "bob", "secret")) {
            try (SSLSocket fresh = c.openWithoutResuming("RETR open.bin")) {
                assertThat(fresh.getInputStream().readAllBytes()).isEqualTo(content);
            }
            c.expect(226);
        }
    }

    @Test
    void withoutRequiredReuseStockPythonFtpTlsRoundTrips() throws IOException {
        byte[] content = new byte[4 << 20];
        new Random(40).nextBytes(content);
        Path up = Files.write(local.resolve("stock-up.bin"), content);
        Path down = local.resolve("stock-down.bin");
        Path script = ExternalClient.script(local, "stock.py", """
                import ftplib, ssl, sys
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                ftp = ftplib.FTP_TLS(context=context, timeout=30)
                ftp.connect('127.0.0.1', int(sys.argv[1]))
                ftp.login('egon', '123')
                ftp.prot_p()
                with open(sys.argv[2], 'rb') as f:
                    ftp.storbinary('STOR stock.bin', f)
                with open(sys.argv[3], 'wb') as f:
                    ftp.retrbinary('RETR stock.bin', f.write)
                ftp.quit()
                """);
        ExternalClient.run("python3", script.toString(), Integer.toString(server.port()), up.toString(),
                down.toString()).ok();
        String md5 = ExternalClient.md5(content);
        assertThat(ExternalClient.md5(server.home("egon").resolve("stock.bin"))).isEqualTo(md5);
        assertThat(ExternalClient.md5(down)).isEqualTo(md5);
    }

    @Test
    void authTlsAfterAPlaintextLoginStillDropsWhatWasPipelinedBehindIt() {
        server.write("egon", "keep.txt", "kept".getBytes(StandardCharsets.UTF_8));
        try (ControlClient plain = ControlClient.loggedIn(server.port(), "egon", "123")) {
            plain.raw("AUTH TLS\r\nMKD pwned\r\nDELE keep.txt\r\n".getBytes(StandardCharsets.US_ASCII));
            plain.expect(234);
            try (ControlClient c = plain.handshake()) {
                assertThat(c.command("NOOP")).startsWith("200");
                assertThat(c.command("MKD wanted")).startsWith("257");
            }
        }
        assertThat(server.home("egon").resolve("wanted")).isDirectory();
        assertThat(server.home("egon").resolve("pwned")).doesNotExist();
        assertThat(server.home("egon").resolve("keep.txt")).exists();
    }

    @Test
    void anUploadCutWithoutCloseNotifyIsKeptAsUnfinished() throws IOException {
        byte[] content = new byte[1 << 20];
        new Random(426).nextBytes(content);
        try (ControlClient c = ControlClient.loggedInTls(server.port(), "alice", "secret")) {
            String reply = c.cutProtectedUpload("STOR cut.bin", content);
            assertThat(reply).startsWith("426").contains("close_notify").contains("unfinished");
            assertThat(c.command("SITE UPLOADS")).contains("/cut.bin");

            // The same upload ended properly is complete and leaves no record.
            assertThat(c.uploadProtected("STOR whole.bin", content)).startsWith("226");
            assertThat(c.command("SITE UPLOADS")).doesNotContain("/whole.bin");
        }
        assertThat(Files.size(server.home("alice").resolve("cut.bin"))).isEqualTo(content.length);
        assertThat(Files.readAllBytes(server.home("alice").resolve("whole.bin"))).isEqualTo(content);
    }
}
