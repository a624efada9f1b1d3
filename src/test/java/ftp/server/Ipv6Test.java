package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IPv6 and the address families of RFC 2428: a server on {@code ::1}, a dual-stack one on {@code ::}, and the
 * IPv4 default, over real sockets. EPSV and EPRT answer 522 with the families the connection supports. Needs the
 * IPv6 loopback address, which every Linux machine here has; without it these tests fail and say so.
 */
class Ipv6Test {
    private static final byte[] CONTENT = "over IPv6\r\n".getBytes(StandardCharsets.US_ASCII);

    @BeforeAll
    static void ipv6LoopbackIsThere() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            assertThat(probe.getLocalPort()).isPositive();
        } catch (IOException e) {
            throw new AssertionError("the IPv6 loopback address ::1 is not usable on this machine (see ip -6 addr);"
                    + " these tests need it: " + e, e);
        }
    }

    private static ControlClient login(String host, int port) {
        ControlClient c = new ControlClient(host, port, null);
        c.expect(220);
        c.send("USER alice");
        c.expect(331);
        c.send("PASS secret");
        c.expect(230);
        return c;
    }

    @Test
    void aServerOnIpv6LoopbackTransfersOverEpsvAndEprt() throws IOException {
        try (TestServer server = TestServer.start("listen.host=::1");
             ControlClient c = login("::1", server.port())) {
            assertThat(c.upload("STOR six.txt", CONTENT)).startsWith("226");
            assertThat(server.home("alice").resolve("six.txt")).hasBinaryContent(CONTENT);
            assertThat(c.fetch("RETR six.txt")).isEqualTo(CONTENT);
            assertThat(c.command("PASV")).startsWith("522");
            assertThat(c.command("EPSV 1")).isEqualTo("522 Network protocol not supported, use (2).");

            try (ServerSocket active = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
                assertThat(c.command("EPRT |2|::1|" + active.getLocalPort() + "|")).startsWith("200");
                c.send("RETR six.txt");
                try (Socket data = active.accept()) {
                    c.expect(150);
                    assertThat(data.getInputStream().readAllBytes()).isEqualTo(CONTENT);
                }
                c.expect(226);
            }
            assertThat(c.command("EPRT |1|127.0.0.1|40000|")).isEqualTo("522 Network protocol not supported, use (2).");
        }
    }

    @Test
    void aDualStackServerServesBothFamiliesEachOnItsOwn() throws IOException {
        try (TestServer server = TestServer.start("listen.host=::")) {
            server.write("alice", "both.txt", CONTENT);
            try (ControlClient v4 = login("127.0.0.1", server.port())) {
                assertThat(v4.command("EPSV 2")).isEqualTo("522 Network protocol not supported, use (1).");
                assertThat(v4.fetch("RETR both.txt")).isEqualTo(CONTENT);
                assertThat(v4.command("PASV")).startsWith("227 Entering Passive Mode (127,0,0,1,");
            }
            try (ControlClient v6 = login("::1", server.port())) {
                assertThat(v6.command("EPSV 1")).isEqualTo("522 Network protocol not supported, use (2).");
                assertThat(v6.fetch("RETR both.txt")).isEqualTo(CONTENT);
            }
        }
    }

    @Test
    void anIpv4ListenerRefusesEpsvForIpv6() {
        try (TestServer server = TestServer.start();
             ControlClient c = login("127.0.0.1", server.port())) {
            assertThat(c.command("EPSV 2")).isEqualTo("522 Network protocol not supported, use (1).");
            assertThat(c.command("EPSV 3")).isEqualTo("522 Network protocol not supported, use (1).");
            assertThat(c.command("EPSV 1")).startsWith("229");
        }
    }

    @Test
    void thePerAddressCapCountsIpv6Addresses() {
        // The cap counts logged-in sessions: with one from ::1, the next connection from ::1 is refused at
        // once, one from 127.0.0.1 is not.
        try (TestServer server = TestServer.start("listen.host=::", "clients.max_per_ip=1");
             ControlClient first = login("::1", server.port());
             ControlClient second = new ControlClient("::1", server.port(), null)) {
            assertThat(second.reply()).startsWith("421").contains("your address");
            try (ControlClient otherFamily = login("127.0.0.1", server.port())) {
                assertThat(otherFamily.command("PWD")).as("127.0.0.1 is another address").startsWith("257");
            }
            assertThat(first.command("PWD")).startsWith("257");
        }
    }

    @Test
    void aBanAppliesToTheIpv6AddressThatGuessed() throws InterruptedException {
        try (TestServer server = TestServer.start("listen.host=::", "auth.max_failures=2")) {
            try (ControlClient guesser = new ControlClient("::1", server.port(), null)) {
                guesser.expect(220);
                for (int i = 0; i < 2; i++) {
                    guesser.send("USER alice");
                    guesser.expect(331);
                    guesser.send("PASS wrong");
                    assertThat(guesser.reply()).matches("530 .*|421 .*");
                }
            }
            try (ControlClient after = new ControlClient("::1", server.port(), null)) {
                assertThat(after.reply()).startsWith("421 Too many failed logins");
            }
            try (ControlClient v4 = new ControlClient("127.0.0.1", server.port(), null)) {
                assertThat(v4.reply()).as("the ban is for ::1 only").startsWith("220");
            }
        }
    }
}
