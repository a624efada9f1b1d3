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

    @Test
    void clientsAreLoggedWithTheirOwnAddresses() throws Exception {
        try (LogCapture log = new LogCapture(); TestServer node = node("v2");
             Haproxy lb = Haproxy.in(dir).backends(node.port()).start();
             ControlClient two = loggedIn(lb, "127.0.0.2"); ControlClient three = loggedIn(lb, "127.0.0.3")) {
            assertThat(two.command("NOOP")).startsWith("200");
            assertThat(three.command("NOOP")).startsWith("200");
            assertThat(log.awaitLine("login ok user=alice from=127.0.0.2 ")).as(lb::log).isNotNull();
            assertThat(log.awaitLine("login ok user=alice from=127.0.0.3 ")).isNotNull();
            assertThat(log.lines()).as(lb::log).noneMatch(l -> l.startsWith("login ok") && l.contains("127.0.0.1"));
        }
    }
}
