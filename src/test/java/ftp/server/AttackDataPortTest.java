package ftp.server;

import ftp.testing.Eventually;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Attacks through data connections (issue 7): FTP bounce with PORT/EPRT, stealing a passive connection from
 * another address, and hoarding passive listeners (2000 PASV in one session and across 50 sessions; the
 * range exhausted). Issue 12: on loopback every local account is the same address, so by default plain data
 * connections are refused there too and a local process that reaches the passive port first gets nothing.
 */
class AttackDataPortTest {
    private static final Pattern PASV =
            Pattern.compile("227 Entering Passive Mode \\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)\\.");

    private static int pasvPort(String reply) {
        Matcher m = PASV.matcher(reply);
        assertThat(m.matches()).as(reply).isTrue();
        return Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
    }

    /** A listener the server must never connect to; true when something did within {@code millis}. */
    private static boolean connected(ServerSocket trap, int millis) throws IOException {
        trap.setSoTimeout(millis);
        try (Socket s = trap.accept()) {
            return s != null;
        } catch (SocketTimeoutException nothing) {
            return false;
        }
    }

    @Test
    void portAndEprtBounceToAnotherHostOrAPrivilegedPortIsRefusedAndNothingConnects() throws Exception {
        try (TestServer server = TestServer.start();
             ServerSocket trap = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"));
             ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            server.write("alice", "f.txt", "data\n".getBytes(StandardCharsets.UTF_8));
            int p = trap.getLocalPort();
            List<String> bounces = List.of(
                    "PORT 127,0,0,2," + (p >> 8) + "," + (p & 0xff),
                    "EPRT |1|127.0.0.2|" + p + "|",
                    "EPRT |2|::ffff:127.0.0.2|" + p + "|",
                    "PORT 127,0,0,1,0,22",
                    "EPRT |1|127.0.0.1|22|",
                    "PORT 127,0,0,1,0,21",
                    "PORT 10,0,0,1,0,80",
                    "EPRT |1|192.168.0.1|80|",
                    "EPRT |2|::1|22|");
            for (String bounce : bounces) {
                assertThat(c.command(bounce)).as(bounce).matches("50[0-9] .*|522 .*");
                assertThat(c.command("LIST")).as("after " + bounce).startsWith("425"); // nothing was set up
            }
            List<String> malformed = List.of(
                    "PORT 127,0,0,1,300,1", "PORT 127,0,0,1,-1,1", "PORT 127,0,0,1,1", "PORT 127,0,0,1,4,1,5",
                    "PORT ,,,,,", "PORT 2147483648,0,0,1,1,1", "PORT 127.0.0.1,4,1", "PORT 0x7f,0,0,1,4,1",
                    "PORT 127,0,0,1,04000,1", "EPRT |1|127.0.0.1|0|", "EPRT |1|127.0.0.1|65536|",
                    "EPRT |1|127.0.0.1|-5|", "EPRT |1|127.0.0.1|99999999999999999999|", "EPRT |1|127.0.0.1|",
                    "EPRT |3|127.0.0.1|5000|", "EPRT |1|localhost|5000|", "EPRT |1|127.1|5000|",
                    "EPRT |2|not-an-address|5000|", "EPRT ||||", "EPRT |1|127.0.0.1|5000|extra|", "EPRT x");
            for (String bad : malformed) {
                assertThat(c.command(bad)).as(bad).matches("5[0-9][0-9] .*");
            }
            // None of them left a data connection set up: a transfer now has nowhere to go.
            assertThat(c.command("LIST")).startsWith("425");
            assertThat(c.command("RETR f.txt")).startsWith("425");
            assertThat(connected(trap, 300)).as("the server connected to a third address").isFalse();
            assertThat(c.command("NOOP")).startsWith("200");
        }
    }

    /**
     * {@code InetAddress.getByName("999.0.0.1")} is not a parse but a DNS lookup, which on the selector thread
     * would stall every client for as long as the resolver takes. A child server whose resolver is a hosts
     * file that knows such names shows whether any lookup happens: a resolved name would be accepted.
     */
    @Test
    void eprtNeverResolvesANameEvenOneThatLooksLikeAnAddress() throws Exception {
        Path base = Files.createTempDirectory("ftpd-attack-eprt");
        try {
            Path hosts = base.resolve("hosts");
            Files.writeString(hosts, "127.0.0.1 999.0.0.1 127.0.0.300 cafe dead.beef .:1 localhost\n");
            Path conf = AttackEvidence.writeConf(base);
            Process child = AttackEvidence.startServerProcess(base, conf, "-Djdk.net.hosts.file=" + hosts);
            try (ServerSocket trap = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                 ControlClient c = ControlClient.loggedIn(AttackEvidence.portOf(child), "alice", "secret")) {
                int p = trap.getLocalPort();
                for (String name : List.of("999.0.0.1", "127.0.0.300", "cafe", "dead.beef", "localhost")) {
                    assertThat(c.command("EPRT |1|" + name + "|" + p + "|")).as(name).startsWith("501");
                }
                assertThat(c.command("EPRT |2|.:1|" + p + "|")).startsWith("501");
                assertThat(c.command("LIST")).startsWith("425");
                assertThat(connected(trap, 300)).isFalse();
                // The literal itself is fine.
                assertThat(c.command("EPRT |1|127.0.0.1|" + p + "|")).startsWith("200");
            } finally {
                AttackEvidence.stop(child);
            }
        } finally {
            AttackEvidence.deleteTree(base);
        }
    }

    @Test
    void aPassiveConnectionFrom127002IsNotServedAndTheRealClientGetsItsData() throws Exception {
        byte[] content = "the rightful owner's download\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        try (TestServer server = TestServer.start();
             ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            server.write("alice", "mine.txt", content);
            for (String verb : List.of("PASV", "EPSV")) {
                String reply = c.command(verb);
                int port = verb.equals("PASV") ? pasvPort(reply)
                        : Integer.parseInt(reply.replaceAll(".*\\(\\|\\|\\|(\\d+)\\|\\).*", "$1"));
                byte[] stolen;
                try (Socket thief = new Socket()) {
                    thief.bind(new InetSocketAddress("127.0.0.2", 0));
                    thief.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    thief.setSoTimeout(3000);
                    thief.getOutputStream().write("pwned\n".getBytes(StandardCharsets.UTF_8));
                    stolen = readWhatComes(thief.getInputStream());
                }
                try (Socket data = new Socket()) {
                    data.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    assertThat(c.command("RETR mine.txt")).startsWith("150");
                    assertThat(data.getInputStream().readAllBytes()).isEqualTo(content);
                    c.expect(226);
                }
                assertThat(stolen).as("what the thief got via " + verb).isEmpty();
                // After the rightful connection the listener is gone: nobody else can connect.
                try (Socket late = new Socket()) {
                    late.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    assertThat(readWhatComes(late.getInputStream())).isEmpty();
                } catch (IOException refused) {
                    // nothing listens any more
                }
            }
            // An upload cannot be injected by a thief either.
            int port = Integer.parseInt(c.command("EPSV").replaceAll(".*\\(\\|\\|\\|(\\d+)\\|\\).*", "$1"));
            try (Socket thief = new Socket()) {
                thief.bind(new InetSocketAddress("127.0.0.2", 0));
                thief.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                thief.getOutputStream().write("pwned\n".getBytes(StandardCharsets.UTF_8));
            } catch (IOException refused) {
                // closed at once
            }
            try (Socket data = new Socket()) {
                data.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                assertThat(c.command("STOR up.txt")).startsWith("150");
                data.getOutputStream().write("honest\n".getBytes(StandardCharsets.UTF_8));
                data.shutdownOutput();
                c.expect(226);
            }
            assertThat(new String(c.fetch("RETR up.txt"), StandardCharsets.UTF_8)).isEqualTo("honest\n");
        }
    }

    private static byte[] readWhatComes(InputStream in) throws IOException {
        try {
            return in.readAllBytes();
        } catch (SocketException | SocketTimeoutException closed) {
            return new byte[0];
        }
    }

    @Test
    void twoThousandPasvInOneSessionHoldOneListenerAndReleaseItOnQuit() throws Exception {
        int first = 61100;
        int last = 61199;
        try (TestServer server = TestServer.start("passive.ports=" + first + "-" + last)) {
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                int answered = 0;
                for (int burst = 0; burst < 10; burst++) {
                    c.raw("PASV\r\n".repeat(200).getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 200; i++) {
                        assertThat(c.reply()).startsWith("227");
                        answered++;
                    }
                    assertThat(Eventually.holds(() -> AttackEvidence.listenersInRange(first, last) == 1))
                            .as("listeners after %d PASV: %d", answered, AttackEvidence.listenersInRange(first, last))
                            .isTrue();
                }
                assertThat(answered).isEqualTo(2000);
                // The one listener left still works.
                int port = pasvPort(c.command("PASV"));
                try (Socket data = new Socket()) {
                    data.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    assertThat(c.command("NLST")).startsWith("150");
                    data.getInputStream().readAllBytes();
                    c.expect(226);
                }
                assertThat(c.command("PASV")).startsWith("227");
                assertThat(c.command("QUIT")).startsWith("221");
            }
            assertThat(Eventually.holds(() -> AttackEvidence.listenersInRange(first, last) == 0))
                    .as("listeners after QUIT").isTrue();
        }
    }

    @Test
    void twoThousandPasvAcrossFiftySessionsHoldOneListenerEach() throws Exception {
        int first = 61100;
        int last = 61199;
        int sessions = 50;
        try (TestServer server = TestServer.start("passive.ports=" + first + "-" + last,
                "clients.max=" + sessions)) {
            List<ControlClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < sessions; i++) {
                    clients.add(ControlClient.loggedIn(server.port(), i % 2 == 0 ? "alice" : "bob", "secret"));
                }
                for (ControlClient c : clients) {
                    c.raw("PASV\r\nEPSV\r\n".repeat(20).getBytes(StandardCharsets.US_ASCII));
                }
                for (ControlClient c : clients) {
                    for (int i = 0; i < 20; i++) {
                        assertThat(c.reply()).startsWith("227");
                        assertThat(c.reply()).startsWith("229");
                    }
                }
                assertThat(Eventually.holds(() -> AttackEvidence.listenersInRange(first, last) == sessions))
                        .as("listeners: %d", AttackEvidence.listenersInRange(first, last)).isTrue();
            } finally {
                for (ControlClient c : clients) {
                    AttackEvidence.reset(c.socket());
                }
            }
            assertThat(Eventually.holds(() -> AttackEvidence.listenersInRange(first, last) == 0))
                    .as("listeners after the sessions ended: %d", AttackEvidence.listenersInRange(first, last))
                    .isTrue();
        }
    }

    @Test
    void anExhaustedPassiveRangeIsAnswered425UntilAPortIsFreed() throws Exception {
        int first = 61200;
        int last = 61203;
        try (TestServer server = TestServer.start("passive.ports=" + first + "-" + last)) {
            List<ControlClient> holders = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret");
                    holders.add(c);
                    assertThat(c.command("PASV")).startsWith("227");
                    assertThat(c.command("EPSV")).as("a second PASV reuses the session's own port").startsWith("229");
                }
                try (ControlClient late = ControlClient.loggedIn(server.port(), "bob", "secret")) {
                    assertThat(late.command("PASV")).startsWith("425");
                    assertThat(late.command("EPSV")).startsWith("425");
                    assertThat(late.command("NOOP")).startsWith("200");
                    assertThat(AttackEvidence.listenersInRange(first, last)).isEqualTo(4);
                    assertThat(holders.get(0).command("QUIT")).startsWith("221");
                    assertThat(Eventually.holds(() -> AttackEvidence.listenersInRange(first, last) == 3))
                            .isTrue();
                    int port = pasvPort(late.command("PASV"));
                    assertThat(port).isBetween(first, last);
                    try (Socket data = new Socket()) {
                        data.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                        assertThat(late.command("NLST")).startsWith("150");
                        data.getInputStream().readAllBytes();
                        late.expect(226);
                    }
                }
            } finally {
                for (ControlClient c : holders) {
                    c.close();
                }
            }
        }
    }

    /** Everything {@code s} receives until the other end closes it (a reset counts as the end). */
    private static byte[] drain(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = s.getInputStream().read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // closed
        }
        return got.toByteArray();
    }

    /**
     * With the shipped {@code tls.mode=remote}, a loopback client may log in in clear (netcat), but its data
     * connections must be protected: another local user's process that connects to the passive port first, from
     * 127.0.0.1 like everyone on the machine, neither reads a download nor plants an upload. curl in clear is told
     * why; curl over TLS (the README's command) works; {@code tls.loopback_plain_data=true} opts out.
     */
    @Test
    void byDefaultALocalProcessCannotTakeAPlainLoopbackDataConnection() throws Exception {
        byte[] secret = "alice's private data\n".repeat(200).getBytes(StandardCharsets.UTF_8);
        try (TestServer server = TestServer.start("tls.mode=default", "passive.ports=61600-61649")) {
            assertThat(server.server().settings().tlsMode()).isEqualTo(ServerSettings.TlsMode.REMOTE);
            server.write("alice", "private.txt", secret);
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                assertThat(c.command("PWD")).startsWith("257");
                for (String command : List.of("RETR private.txt", "STOR planted.txt", "LIST", "NLST")) {
                    int port = c.epsvPort();
                    try (Socket thief = new Socket()) {
                        thief.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                        if (command.startsWith("STOR")) {
                            thief.getOutputStream().write("planted\n".getBytes(StandardCharsets.UTF_8));
                        }
                        assertThat(c.command(command)).as(command)
                                .startsWith("521").contains("AUTH TLS, PBSZ 0 and PROT P");
                        assertThat(drain(thief)).as("what the thief read during " + command).isEmpty();
                    }
                }
                assertThat(c.command("NOOP")).startsWith("200");
            }
            assertThat(server.home("alice").resolve("planted.txt")).doesNotExist();
            // Protected, the same loopback client transfers; a thief's fresh handshake would get 522.
            try (ControlClient c = ControlClient.loggedInTls(server.port(), "alice", "secret")) {
                assertThat(c.fetchProtected("RETR private.txt")).isEqualTo(secret);
            }
            String url = "ftp://alice:secret@127.0.0.1:" + server.port() + "/";
            ExternalClient.Result plain = ExternalClient.run("curl", "-sS", url + "private.txt");
            assertThat(plain.exitCode()).as(plain.output()).isNotZero();
            assertThat(plain.output()).contains("521");
            ExternalClient.Result tls = ExternalClient.run("curl", "-sS", "--ssl-reqd", "-k", url + "private.txt").ok();
            assertThat(tls.output()).isEqualTo(new String(secret, StandardCharsets.UTF_8));
            ExternalClient.run("curl", "-sS", "--ssl-reqd", "-k", "-l", url).ok();
        }
        try (TestServer server = TestServer.start("tls.mode=remote", "tls.loopback_plain_data=true",
                "passive.ports=61650-61699")) {
            server.write("alice", "private.txt", secret);
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                assertThat(c.fetch("RETR private.txt")).isEqualTo(secret);
            }
        }
    }
}
