package ftp.server;

import ftp.testing.Eventually;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Data connections against a real server: passive and active set-up, the FTP bounce defence (active only
 * to the control peer, ports from 1024), passive theft from another loopback address, the listener's
 * timeout, and a client that vanishes while a transfer waits or runs.
 */
class TransferDataConnectionTest {
    private static TestServer server;
    private static byte[] content;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start("timeouts.data=1s");
        content = new byte[300_000];
        new Random(7).nextBytes(content);
        server.write("alice", "data.bin", content);
        server.write("alice", "big.bin", new byte[32 << 20]);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void pasvAndEpsvServeOneDownload() throws IOException {
        try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            assertThat(c.fetch("RETR data.bin")).isEqualTo(content);
            String pasv = c.command("PASV");
            assertThat(pasv).startsWith("227 Entering Passive Mode (127,0,0,1,");
            String[] n = pasv.substring(pasv.indexOf('(') + 1, pasv.indexOf(')')).split(",");
            int port = Integer.parseInt(n[4]) * 256 + Integer.parseInt(n[5]);
            try (Socket data = new Socket("127.0.0.1", port)) {
                c.send("RETR data.bin");
                c.expect(150);
                assertThat(data.getInputStream().readAllBytes()).isEqualTo(content);
                c.expect(226);
            }
            // The listener served its one connection and is gone.
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void epsvAllRefusesEverythingButEpsv() {
        try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            c.send("EPSV ALL");
            c.expect(200);
            c.send("PASV");
            c.expect(503);
            c.send("PORT 127,0,0,1,200,10");
            c.expect(503);
            c.send("EPRT |1|127.0.0.1|51210|");
            c.expect(503);
            assertThat(c.fetch("RETR data.bin")).isEqualTo(content);
        }
    }

    @Test
    void activeModeConnectsBackToTheControlPeer() throws IOException {
        try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret");
             ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int p = listener.getLocalPort();
            c.send("PORT 127,0,0,1," + (p >> 8) + "," + (p & 0xff));
            c.expect(200);
            c.send("RETR data.bin");
            listener.setSoTimeout(5000);
            try (Socket data = listener.accept()) {
                c.expect(150);
                assertThat(data.getInputStream().readAllBytes()).isEqualTo(content);
            }
            c.expect(226);

            c.send("EPRT |1|127.0.0.1|" + p + "|");
            c.expect(200);
            c.send("RETR data.bin");
            try (Socket data = listener.accept()) {
                c.expect(150);
                assertThat(data.getInputStream().readAllBytes()).isEqualTo(content);
            }
            c.expect(226);
        }
    }

    @Test
    void portToAnotherAddressIsRefusedAndNothingConnects() throws IOException {
        try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret");
             ServerSocket foreign = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.2"))) {
            int p = foreign.getLocalPort();
            assertThat(c.command("PORT 127,0,0,2," + (p >> 8) + "," + (p & 0xff))).startsWith("5");
            assertThat(c.command("EPRT |1|127.0.0.2|" + p + "|")).startsWith("5");
            assertThat(c.command("RETR data.bin")).startsWith("425");
            foreign.setSoTimeout(700);
            assertThatThrownBy(foreign::accept).isInstanceOf(SocketTimeoutException.class);
            // Privileged ports of the client itself are refused too.
            assertThat(c.command("PORT 127,0,0,1,0,22")).startsWith("5");
            assertThat(c.command("EPRT |1|127.0.0.1|22|")).startsWith("5");
            assertThat(c.command("PORT 127,0,0,1,300,1")).startsWith("501");
            assertThat(c.command("NOOP")).startsWith("200");
        }
    }

    @Test
    void passiveConnectionFromAnotherAddressIsNotServed() throws IOException {
        try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            int port = c.epsvPort();
            try (Socket thief = new Socket()) {
                thief.bind(new InetSocketAddress("127.0.0.2", 0));
                thief.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                thief.setSoTimeout(3000);
                assertThat(readAllOrReset(thief.getInputStream())).isEmpty(); // closed by the server at once
            }
            try (Socket data = new Socket("127.0.0.1", port)) {
                c.send("RETR data.bin");
                c.expect(150);
                assertThat(data.getInputStream().readAllBytes()).isEqualTo(content);
                c.expect(226);
            }
        }
    }

    @Test
    void passiveListenerClosesAfterTheDataTimeout() throws Exception {
        try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            int port = c.epsvPort();
            // timeouts.data=1s, checked once a second. Watched in the kernel's table: a connection would be taken.
            assertThat(Eventually.holds(() -> AttackEvidence.listenersInRange(port, port) == 0))
                    .as("the passive listener closed").isTrue();
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
            assertThat(c.command("RETR data.bin")).startsWith("425");
            assertThat(c.command("NOOP")).startsWith("200");
        }
    }

    @Test
    void aDownloadNobodyReadsIsStoppedByTheDataTimeout() throws IOException {
        try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret");
             Socket data = c.openPassive()) {
            data.setReceiveBufferSize(4096);
            c.send("RETR big.bin");
            c.expect(150);
            String reply = c.reply(); // never read: the server gives up after timeouts.data
            assertThat(reply).startsWith("426").contains("stalled");
            assertThat(c.command("NOOP")).startsWith("200");
        }
    }

    @Test
    void aClientThatVanishesReleasesItsWorkerAndListener() throws Exception {
        try (TestServer one = TestServer.start("workers.threads=1", "timeouts.data=30s")) {
            one.write("alice", "big.bin", new byte[32 << 20]);
            int port;
            // Waits for a data connection that never comes, holding the only worker, then vanishes.
            try (ControlClient c = ControlClient.loggedIn(one.port(), "alice", "secret")) {
                port = c.epsvPort();
                c.send("RETR big.bin");
            }
            long t0 = System.nanoTime();
            try (ControlClient c = ControlClient.loggedIn(one.port(), "bob", "secret")) {
                assertThat(c.list("LIST")).isEmpty();
            }
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000); // far below timeouts.data
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);

            // Vanishes in the middle of a download nobody reads.
            ControlClient c = ControlClient.loggedIn(one.port(), "alice", "secret");
            Socket data = c.openPassive();
            c.send("RETR big.bin");
            c.expect(150);
            data.setSoLinger(true, 0);
            data.close();
            c.socket().setSoLinger(true, 0);
            c.close();
            try (ControlClient b = ControlClient.loggedIn(one.port(), "bob", "secret")) {
                assertThat(b.list("LIST")).isEmpty();
            }
            assertThat(Eventually.holds(() -> one.server().activeSessions() == 0))
                    .as("sessions left: %d", one.server().activeSessions()).isTrue();
        }
    }

    private static byte[] readAllOrReset(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException reset) {
            return new byte[0];
        }
    }
}
