package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a conf directory's paths lead, and the refusal of unknown or malformed keys. No socket. */
class ServerSettingsTest {
    @TempDir
    Path base;

    private ServerSettings read(Path conf, String... lines) throws Exception {
        Files.createDirectories(conf);
        Files.writeString(conf.resolve(ServerSettings.FILE_NAME), String.join("\n", lines) + "\n");
        return ServerSettings.load(conf);
    }

    @Test
    void aSecondConfDirectoryReadsItsOwnAccountsAndKeyStoreAndSharesTheInstallDirectory() throws Exception {
        ServerSettings s = read(base.resolve("conf2"));
        assertThat(s.accountsFile()).isEqualTo(base.resolve("conf2/accounts.ini"));
        assertThat(s.tlsKeystore()).isEqualTo(base.resolve("conf2/ftpd.p12"));
        assertThat(s.homeRoot()).isEqualTo(base.resolve("home"));
        assertThat(s.logDir()).isEqualTo(base.resolve("log"));
        assertThat(s.pidFile()).isEqualTo(base.resolve("run/ftpd.pid"));
    }

    @Test
    void relativePathsResolveAgainstTheConfDirectorysParentAndAbsoluteOnesStay() throws Exception {
        ServerSettings s = read(base.resolve("etc"), "accounts.file=etc/users.ini", "home.root=/srv/ftp",
                "tls.keystore=keys/server.p12");
        assertThat(s.accountsFile()).isEqualTo(base.resolve("etc/users.ini"));
        assertThat(s.homeRoot()).isEqualTo(Path.of("/srv/ftp"));
        assertThat(s.tlsKeystore()).isEqualTo(base.resolve("keys/server.p12"));
    }

    @Test
    void anUnknownKeyIsRefusedWithTheNearestKnownOne() {
        assertThatThrownBy(() -> read(base.resolve("conf"), "client.max=3"))
                .hasMessageEndingWith("unknown setting client.max — did you mean clients.max?")
                .hasMessageContaining(ServerSettings.FILE_NAME);
        assertThatThrownBy(() -> read(base.resolve("conf"), "tls.require_session_resuse=false"))
                .hasMessageEndingWith("did you mean tls.require_session_reuse?");
        assertThatThrownBy(() -> read(base.resolve("conf"), "favourite.colour=blue"))
                .hasMessageEndingWith("unknown setting favourite.colour");
    }

    @Test
    void quotaLeasesHaveDefaultsAndBounds() throws Exception {
        ServerSettings defaults = read(base.resolve("conf"));
        assertThat(defaults.quotaLeaseSize()).isEqualTo(4L << 20);
        assertThat(defaults.quotaLeaseTime()).isEqualTo(java.time.Duration.ofSeconds(30));
        ServerSettings set = read(base.resolve("conf"), "quota.lease_size=16M", "quota.lease_time=2m");
        assertThat(set.quotaLeaseSize()).isEqualTo(16L << 20);
        assertThat(set.quotaLeaseTime()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThatThrownBy(() -> read(base.resolve("conf"), "quota.lease_size=1K"))
                .hasMessageContaining("quota.lease_size=1K must be a size of at least 4096 bytes");
        assertThatThrownBy(() -> read(base.resolve("conf"), "quota.lease_time=0s"))
                .hasMessageContaining("quota.lease_time=0s must be at least 1s");
    }

    @Test
    void theTlsTaskPoolHasAFewThreadsByDefaultAndASetting() throws Exception {
        assertThat(read(base.resolve("conf")).tlsThreads())
                .isBetween(1, 4).isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(read(base.resolve("conf"), "workers.tls_threads=8").tlsThreads()).isEqualTo(8);
        assertThatThrownBy(() -> read(base.resolve("conf"), "workers.tls_threads=0"))
                .hasMessageContaining("workers.tls_threads=0 is out of range 1..64");
    }

    @Test
    void aProxyHeaderIsTrustedOnlyFromListedBalancers() throws Exception {
        assertThatThrownBy(() -> read(base.resolve("conf"), "listen.proxy_protocol=v2"))
                .hasMessageContaining("listen.proxy_from must list the load balancers' addresses");
        assertThatThrownBy(() -> read(base.resolve("conf"), "listen.proxy_protocol=v1", "listen.proxy_from=lb.local"))
                .hasMessageContaining("listen.proxy_from: lb.local is not an IP address");
        assertThatThrownBy(() -> read(base.resolve("conf"), "listen.proxy_protocol=v3"))
                .hasMessageContaining("must be one of off, v1, v2, any");
        ServerSettings s = read(base.resolve("conf"), "listen.proxy_protocol=any", "listen.proxy_from=10.0.0.0/8");
        assertThat(s.proxyProtocol()).isEqualTo(ftp.server.proxy.ProxyProtocol.ANY);
        assertThat(s.proxyFrom().contains(java.net.InetAddress.getByName("10.2.3.4"))).isTrue();
        assertThat(read(base.resolve("conf")).proxyProtocol()).isEqualTo(ftp.server.proxy.ProxyProtocol.OFF);
    }

    @Test
    void theNodeNameIsAShortTokenAndDefaultsToTheHostName() throws Exception {
        assertThat(read(base.resolve("conf"), "node.name=ftp-2.eu_west").nodeName()).isEqualTo("ftp-2.eu_west");
        assertThat(read(base.resolve("conf")).nodeName()).matches("[A-Za-z0-9._-]{1,64}");
        for (String bad : new String[] {"node.name=", "node.name=two words", "node.name=" + "n".repeat(65),
                                        "node.name=caf\u00e9", "node.name=a\\nb"}) {
            assertThatThrownBy(() -> read(base.resolve("conf"), bad)).as(bad)
                    .hasMessageContaining("node.name=").hasMessageContaining("must be 1 to 64");
        }
    }

    @Test
    void everyKeyTheShippedFileDocumentsIsKnownAndItsExampleValueParses() throws Exception {
        List<String> examples = Files.readAllLines(Path.of("conf", ServerSettings.FILE_NAME)).stream()
                .filter(l -> l.matches("#[a-z_]+\\.[a-z_.]+=.*")).map(l -> l.substring(1)).toList();
        assertThat(examples).hasSizeGreaterThan(20);
        assertThat(read(base.resolve("conf"), examples.toArray(String[]::new)).maxClients()).isEqualTo(10);
    }

    @Test
    void malformedValuesAreRefusedWithTheKeyNamed() {
        assertThatThrownBy(() -> read(base.resolve("conf"), "tls.require_session_reuse=yes please"))
                .hasMessageContaining("tls.require_session_reuse=yes please must be true or false");
        assertThatThrownBy(() -> read(base.resolve("conf"), "tls.mode=of"))
                .hasMessageContaining("tls.mode=of must be one of off, optional, required, remote");
        assertThatThrownBy(() -> read(base.resolve("conf"), "clients.full_policy=wait"))
                .hasMessageContaining("clients.full_policy=wait must be one of reject, queue");
        assertThatThrownBy(() -> read(base.resolve("conf"), "quota.default=lots"))
                .hasMessageContaining("quota.default=lots is not a size");
        assertThatThrownBy(() -> read(base.resolve("conf"), "clients.max=ten"))
                .hasMessageContaining("clients.max=ten is not a number");
    }

    @Test
    void spelledOutBooleansAreAccepted() throws Exception {
        assertThat(read(base.resolve("conf"), "tls.require_session_reuse=off").tlsRequireSessionReuse()).isFalse();
        assertThat(read(base.resolve("conf"), "tls.require_session_reuse=Yes").tlsRequireSessionReuse()).isTrue();
    }
}
