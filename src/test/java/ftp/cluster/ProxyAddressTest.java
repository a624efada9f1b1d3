package ftp.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ftp.cluster.Haproxy.ProxyVersion;
import ftp.server.ControlClient;
import ftp.server.LogCapture;
import ftp.server.TestServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes behind the real haproxy with a PROXY header: clients connecting from 127.0.0.2 and 127.0.0.3 are seen
 * with those addresses by every per-address feature (cap, ban, log, passive data connection), and a node that
 * expects the header refuses connections without it and headers from anyone but its balancers.
 */
class ProxyAddressTest {
    private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");

    @TempDir
    Path dir;

    @BeforeAll
    static void haproxyIsInstalled() {
        // .ci/run installs it; a machine without it cannot run these tests, and says so rather than passing.
        assumeTrue(Haproxy.installed(), "haproxy is not installed (apt-get install haproxy; .ci/run does)");
    }

    private static TestServer node(String protocol, String... more) {
        String[] settings = new String[more.length + 2];
        settings[0] = "listen.proxy_protocol=" + protocol;
        settings[1] = "listen.proxy_from=" + Haproxy.PROXY_FROM;
        System.arraycopy(more, 0, settings, 2, more.length);
        return TestServer.start(settings);
    }

    /** alice logged in through {@code lb}, connecting from {@code from}. */
    static ControlClient loggedIn(Haproxy lb, String from) {
        ControlClient c = new ControlClient(lb.port(), from);
        c.expect(220);
        assertThat(c.command("USER alice")).startsWith("331");
        assertThat(c.command("PASS secret")).startsWith("230");
        return c;
    }

    /** Reads until the server closes; what it sent before (within 15 s). */
    private static String untilClosed(Socket s) throws IOException {
        s.setSoTimeout(15_000);
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    private static Socket direct(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    /** A data connection to the passive port of {@code epsvReply}, from {@code from}. */
    private static Socket dataFrom(String from, String epsvReply) throws IOException {
        Matcher m = EPSV.matcher(epsvReply);
        assertThat(m.find()).as(epsvReply).isTrue();
        Socket data = new Socket();
        data.bind(new InetSocketAddress(from, 0));
        data.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))), 5000);
        data.setSoTimeout(10_000);
        return data;
    }

    @Test
    void clientsAreSeenWithTheirOwnAddressesInLogsAndSessionList() throws Exception {
        try (LogCapture log = new LogCapture(); TestServer node = node("v2");
             Haproxy lb = Haproxy.in(dir).backends(node.port()).start();
             ControlClient two = loggedIn(lb, "127.0.0.2"); ControlClient three = loggedIn(lb, "127.0.0.3")) {
            assertThat(two.command("NOOP")).startsWith("200");
            assertThat(three.command("NOOP")).startsWith("200");
            assertThat(log.awaitLine("connect from=127.0.0.2 ")).as(lb::log).isNotNull();
            assertThat(log.awaitLine("login ok user=alice from=127.0.0.2 ")).isNotNull();
            assertThat(log.awaitLine("login ok user=alice from=127.0.0.3 ")).isNotNull();
            assertThat(log.lines()).noneMatch(l -> l.contains("from=127.0.0.1"));
            assertThat(node.server().sessions().get()).extracting(s -> s.from().getHostAddress())
                    .as("what bin/ftpd who lists").containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3");
        }
    }

    @Test
    void thePerAddressCapHitsOnlyTheAddressOverIt() throws Exception {
        try (TestServer node = node("v2", "clients.max_per_ip=1");
             Haproxy lb = Haproxy.in(dir).backends(node.port()).start();
             ControlClient first = loggedIn(lb, "127.0.0.2")) {
            try (ControlClient second = new ControlClient(lb.port(), "127.0.0.2")) {
                assertThat(second.reply()).as(lb::log).startsWith("421 Too many sessions from your address");
            }
            try (ControlClient other = loggedIn(lb, "127.0.0.3")) {
                assertThat(other.command("NOOP")).startsWith("200");
            }
            assertThat(first.command("NOOP")).startsWith("200");
        }
    }

    @Test
    void aBanForFailedLoginsHitsOnlyTheFailingAddress() throws Exception {
        try (LogCapture log = new LogCapture(); TestServer node = node("v2", "auth.max_failures=2");
             Haproxy lb = Haproxy.in(dir).backends(node.port()).start()) {
            for (int i = 0; i < 2; i++) {
                try (ControlClient c = new ControlClient(lb.port(), "127.0.0.2")) {
                    c.expect(220);
                    assertThat(c.command("USER alice")).startsWith("331");
                    // The failure that reaches auth.max_failures is answered with the ban itself.
                    assertThat(c.command("PASS wrong")).startsWith(i == 0 ? "530" : "421 Too many failed logins");
                }
            }
            assertThat(log.awaitLine("ban from=127.0.0.2 ")).isNotNull();
            try (ControlClient banned = new ControlClient(lb.port(), "127.0.0.2")) {
                assertThat(banned.reply()).startsWith("421");
            }
            try (ControlClient other = loggedIn(lb, "127.0.0.3")) {
                assertThat(other.command("NOOP")).startsWith("200");
            }
            assertThat(log.lines()).filteredOn(l -> l.startsWith("ban from=")).allMatch(l -> l.contains("127.0.0.2"));
        }
    }

    @Test
    void thePassivePortTakesTheRealClientAndRefusesAnotherAddress() throws Exception {
        try (LogCapture log = new LogCapture(); TestServer node = node("v2");
             Haproxy lb = Haproxy.in(dir).backends(node.port()).start();
             ControlClient client = loggedIn(lb, "127.0.0.2")) {
            node.write("alice", "hello.txt", "hello".getBytes(StandardCharsets.US_ASCII));
            String epsv = client.command("EPSV");
            try (Socket stranger = dataFrom("127.0.0.3", epsv)) {
                assertThat(log.awaitLine("data connection refused from=127.0.0.3 ")).contains("expected=127.0.0.2");
                assertThat(untilClosed(stranger)).isEmpty();
            }
            try (Socket data = dataFrom("127.0.0.2", epsv)) {
                client.send("RETR hello.txt");
                assertThat(client.reply()).startsWith("150");
                try (InputStream in = data.getInputStream()) {
                    assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello");
                }
                client.expect(226);
            }
        }
    }

    @Test
    void activeModeTargetsOnlyTheRealClientsAddress() throws Exception {
        try (TestServer node = node("v2");
             Haproxy lb = Haproxy.in(dir).backends(node.port()).start();
             ControlClient client = loggedIn(lb, "127.0.0.2")) {
            assertThat(client.command("PORT 127,0,0,1,200,10")).as("the balancer's address").startsWith("504");
            assertThat(client.command("EPRT |1|127.0.0.3|51210|")).as("another client's").startsWith("504");
            assertThat(client.command("EPRT |1|127.0.0.2|51210|")).startsWith("200");
            assertThat(client.command("PORT 127,0,0,2,200,10")).startsWith("200");
        }
    }

    @Test
    void theCommandsSentInTheHeadersSegmentAreKeptForTheSession() throws Exception {
        // A pipelining client behind a balancer that sends the header and the first bytes in one segment.
        byte[] header = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0x00, 12,
            (byte) 192, 0, 2, 9, 127, 0, 0, 1, (byte) 0xC0, 0x00, 0x08, 0x49};
        try (LogCapture log = new LogCapture(); TestServer node = node("v2"); Socket s = direct(node.port())) {
            byte[] commands = "USER alice\r\nPASS secret\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII);
            byte[] segment = new byte[header.length + commands.length];
            System.arraycopy(header, 0, segment, 0, header.length);
            System.arraycopy(commands, 0, segment, header.length, commands.length);
            s.getOutputStream().write(segment);
            assertThat(untilClosed(s)).matches("(?s)220 .*\r\n331 .*\r\n230 .*\r\n221 .*\r\n");
            assertThat(log.awaitLine("login ok user=alice from=192.0.2.9 ")).isNotNull();
        }
    }

    @Test
    void implicitTlsThroughTheBalancerHandshakesAfterTheHeader() throws Exception {
        // The client's ClientHello follows the header at once: it must reach the TLS engine untouched.
        try (LogCapture log = new LogCapture();
             TestServer node = node("v2", "tls.mode=optional", "tls.implicit_port=0");
             Haproxy lb = Haproxy.in(dir).backend(new InetSocketAddress("127.0.0.1", node.implicitPort())).start();
             ControlClient client = ControlClient.implicitTls(lb.port())) {
            assertThat(client.command("USER alice")).startsWith("331");
            assertThat(client.command("PASS secret")).startsWith("230");
            assertThat(log.awaitLine("login ok user=alice from=127.0.0.1 ")).as(lb::log).isNotNull();
            assertThat(log.lines()).noneMatch(l -> l.contains("reason=proxy_header"));
        }
    }

    @Test
    void aDirectConnectionWithoutHeaderIsClosedWithALogLine() throws Exception {
        try (LogCapture log = new LogCapture(); TestServer node = node("v2", "timeouts.login=2s")) {
            direct(node.port()).close(); // as a balancer's plain TCP check does: not worth a line
            try (Socket silent = direct(node.port())) {
                assertThat(untilClosed(silent)).as("no greeting without a header").isEmpty();
            }
            assertThat(log.awaitLine("refused from=127.0.0.1 reason=proxy_header why=no-header-in-time")).isNotNull();
            try (Socket plainFtp = direct(node.port())) {
                plainFtp.getOutputStream().write("USER alice\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(untilClosed(plainFtp)).isEmpty();
            }
            assertThat(log.awaitLine("refused from=127.0.0.1 reason=proxy_header why=\"no PROXY protocol signature\""))
                    .isNotNull();
            assertThat(log.lines()).noneMatch(l -> l.startsWith("connect from="))
                    .filteredOn(l -> l.contains("reason=proxy_header")).hasSize(2);
        }
    }

    @Test
    void connectionsAwaitingTheirHeaderAreBoundedByTheUnauthenticatedBudget() throws Exception {
        try (LogCapture log = new LogCapture(); TestServer node = node("any", "clients.max_unauthenticated=2");
             Socket first = direct(node.port()); Socket second = direct(node.port());
             Socket third = direct(node.port())) {
            assertThat(untilClosed(third)).isEmpty();
            assertThat(log.awaitLine("refused from=127.0.0.1 reason=proxy_header why=too-many-headers-awaited limit=2"))
                    .isNotNull();
            assertThat(first.isClosed() || second.isClosed()).isFalse();
            // Once the earlier ones complete their header, they are clients like any other.
            first.getOutputStream().write("PROXY TCP4 192.0.2.1 127.0.0.1 1000 21\r\nQUIT\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(untilClosed(first)).startsWith("220 ").contains("221 ");
        }
    }

    @Test
    void aHeaderFromAnAddressNotInProxyFromIsRefused() throws Exception {
        try (LogCapture log = new LogCapture();
             TestServer node = TestServer.start("listen.proxy_protocol=v2", "listen.proxy_from=127.0.0.9, 10.0.0.0/8");
             Haproxy lb = Haproxy.in(dir).backends(node.port()).start();
             ControlClient client = new ControlClient(lb.port(), "127.0.0.2")) {
            assertThat(client.reply()).startsWith("421 Connections are taken only through the load balancer");
            assertThat(client.reply()).isNull();
            assertThat(log.awaitLine("refused from=127.0.0.1 reason=proxy_header why=not-in-listen.proxy_from"))
                    .isNotNull();
        }
    }

    @Test
    void aV1HeaderGivesTheClientsAddressToo() throws Exception {
        try (LogCapture log = new LogCapture(); TestServer node = node("v1");
             Haproxy lb = Haproxy.in(dir).backends(node.port()).proxyVersion(ProxyVersion.V1).start();
             ControlClient client = loggedIn(lb, "127.0.0.3")) {
            assertThat(client.command("NOOP")).startsWith("200");
            assertThat(log.awaitLine("login ok user=alice from=127.0.0.3 ")).as(lb::log).isNotNull();
        }
    }

    @Test
    void twoNodesWithHealthChecksServeClientsInTurn() throws Exception {
        try (LogCapture log = new LogCapture(); TestServer first = node("any"); TestServer second = node("any");
             Haproxy lb = Haproxy.in(dir).backends(first.port(), second.port()).healthChecks(true).start();
             ControlClient two = loggedIn(lb, "127.0.0.2"); ControlClient three = loggedIn(lb, "127.0.0.3")) {
            // Both are up: the nodes answered haproxy's checks, which carry a v2 LOCAL header.
            assertThat(lb.backendsUp()).as(lb::log).isEqualTo(2);
            assertThat(two.command("NOOP")).startsWith("200");
            assertThat(three.command("NOOP")).startsWith("200");
            assertThat(first.server().loggedInSessions()).isEqualTo(1);
            assertThat(second.server().loggedInSessions()).isEqualTo(1);
            assertThat(log.lines()).noneMatch(l -> l.contains("reason=proxy_header"));
        }
    }
}
