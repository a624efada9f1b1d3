package ftp.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Random;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a server with {@code tls.mode=required} and session reuse required (the default) refuses: a plaintext
 * login, clear data under PROT C, plaintext pipelined after AUTH TLS (the STARTTLS injection class), a data
 * connection that does not resume the control session (data-connection theft), garbage instead of a ClientHello
 * (without harm to other clients), a second AUTH and CCC.
 */
class TlsRefusalTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("tls.mode=required");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void plaintextLoginIsRefusedWithATextSayingTlsIsRequired() {
        try (ControlClient c = new ControlClient(server.port())) {
            c.expect(220);
            String user = c.command("USER alice");
            assertThat(user).startsWith("530").contains("TLS is required");
            assertThat(c.command("PASS secret")).doesNotStartWith("230");
            assertThat(c.command("PWD")).startsWith("530");
        }
    }

    @Test
    void clearDataUnderProtCIsRefusedWith521() {
        server.write("alice", "clear.txt", "secret data".getBytes(StandardCharsets.UTF_8));
        try (ControlClient c = ControlClient.loggedInTls(server.port(), "alice", "secret")) {
            assertThat(c.command("PROT C")).startsWith("200");
            c.epsvPort();
            assertThat(c.command("RETR clear.txt")).startsWith("521").contains("PROT P");
            c.epsvPort();
            assertThat(c.command("LIST")).startsWith("521");
            assertThat(c.command("PROT P")).startsWith("200");
            assertThat(new String(c.fetchProtected("RETR clear.txt"), StandardCharsets.UTF_8)).isEqualTo("secret data");
        }
    }

    @Test
    void commandsPipelinedAfterAuthTlsAreNeverExecuted() {
        try (ControlClient plain = new ControlClient(server.port())) {
            plain.expect(220);
            // Everything after AUTH TLS arrives in clear in the same packet: an attacker on the path could have
            // injected it, so none of it may run, not even once TLS is up and someone logs in.
            plain.raw("AUTH TLS\r\nUSER alice\r\nPASS secret\r\nMKD pwned\r\n".getBytes(StandardCharsets.US_ASCII));
            plain.expect(234);
            try (ControlClient c = plain.handshake()) {
                assertThat(c.command("NOOP")).as("no reply of a pipelined command may come first").startsWith("200");
                assertThat(c.command("PWD")).startsWith("530"); // USER and PASS were dropped too
                c.send("USER alice");
                c.expect(331);
                c.send("PASS secret");
                c.expect(230);
                assertThat(c.command("NOOP")).startsWith("200");
            }
        }
        assertThat(server.home("alice").resolve("pwned")).doesNotExist();
    }

    @Test
    void aDataConnectionThatDoesNotResumeTheControlSessionIsRefusedWith522() throws IOException {
        byte[] content = new byte[200_000];
        new Random(522).nextBytes(content);
        server.write("bob", "private.bin", content);
        try (ControlClient c = ControlClient.loggedInTls(server.port(), "bob", "secret")) {
            try (SSLSocket thief = c.openWithoutResuming("RETR private.bin")) {
                thief.setSoTimeout(5000);
                assertThat(readWhatComes(thief.getInputStream())).as("bytes the thief got").isZero();
            }
            assertThat(c.reply()).startsWith("522").contains("reuse").contains("TLS session");
            assertThat(c.command("NOOP")).startsWith("200");
            // The same client resuming its session is served, so the refusal is about resumption alone.
            assertThat(c.fetchProtected("RETR private.bin")).isEqualTo(content);
            assertThat(c.uploadProtected("STOR again.bin", content)).startsWith("226");
            assertThat(c.fetchProtected("RETR again.bin")).isEqualTo(content);
        }
        assertThat(Files.readAllBytes(server.home("bob").resolve("again.bin"))).isEqualTo(content);
    }

    /** Reads until the server ends the connection; returns how many bytes came (a refused one: none). */
    private static int readWhatComes(InputStream in) throws IOException {
        int total = 0;
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither refused nor served the data connection", e);
        } catch (IOException ended) {
            // an abrupt end is a refusal too
        }
        return total;
    }

    @Test
    void garbageInsteadOfAClientHelloClosesThatSessionOnly() throws IOException {
        try (ControlClient bystander = ControlClient.loggedInTls(server.port(), "bob", "secret");
             ControlClient attacker = new ControlClient(server.port())) {
            attacker.expect(220);
            assertThat(attacker.command("AUTH TLS")).startsWith("234");
            byte[] garbage = new byte[16 * 1024];
            new Random(1).nextBytes(garbage);
            System.arraycopy("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, garbage, 0, 18);
            attacker.raw(garbage);
            attacker.socket().setSoTimeout(5000);
            InputStream in = attacker.socket().getInputStream();
            try {
                while (in.read(new byte[4096]) >= 0) {
                    // a TLS alert may come first; the server must then close
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server kept a connection that sent garbage for a ClientHello", e);
            } catch (IOException reset) {
                // closed hard: fine
            }
            assertThat(bystander.command("NOOP")).startsWith("200");
            bystander.fetchProtected("LIST"); // fails unless the listing ends with 226
        }
        try (ControlClient newcomer = ControlClient.loggedInTls(server.port(), "alice", "secret")) {
            assertThat(newcomer.command("PWD")).startsWith("257");
        }
    }

    @Test
    void aSecondAuthIs503AndCccIs534() {
        try (ControlClient c = ControlClient.loggedInTls(server.port(), "alice", "secret")) {
            assertThat(c.command("AUTH TLS")).startsWith("503");
            assertThat(c.command("AUTH SSL")).startsWith("503");
            assertThat(c.command("CCC")).startsWith("534");
            assertThat(c.command("NOOP")).as("the control connection is still encrypted and working")
                    .startsWith("200");
            assertThat(c.tlsSession().isValid()).isTrue();
        }
    }
}
