package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line and the settings file. */
class LaunchTest {
    @TempDir
    Path dir;

    @Test
    void parsesTheDocumentedCommandLine() {
        LaunchOptions o = LaunchOptions.parse(new String[] {"--home-dir", "/opt/ftp", "-u", "egon", "-c", "ls; pwd",
            "--plain", "example.org", "2121"});
        assertThat(o.confDir()).isEqualTo(Path.of("/opt/ftp/conf"));
        assertThat(o.user()).hasValue("egon");
        assertThat(o.commands()).hasValue("ls; pwd");
        assertThat(o.plain()).isTrue();
        assertThat(o.host()).hasValue("example.org");
        assertThat(o.port()).hasValue(2121);
        assertThat(LaunchOptions.parse(new String[] {"--home-dir", "/opt/ftp", "--conf", "/etc/ftp"}).confDir())
                .isEqualTo(Path.of("/etc/ftp"));
    }

    @Test
    void refusesWrongCommandLines() {
        assertThatThrownBy(() -> LaunchOptions.parse(new String[] {"-x"})).hasMessageContaining("-x");
        assertThatThrownBy(() -> LaunchOptions.parse(new String[] {"-u"})).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> LaunchOptions.parse(new String[] {"h", "70000"})).hasMessageContaining("port");
        assertThatThrownBy(() -> LaunchOptions.parse(new String[] {"h", "21", "extra"})).hasMessageContaining("extra");
    }

    @Test
    void settingsHaveDefaultsAndResolveAgainstTheInstallDirectory() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        ClientSettings defaults = ClientSettings.load(conf);
        assertThat(defaults.host()).isEqualTo("127.0.0.1");
        assertThat(defaults.port()).isEqualTo(2121);
        assertThat(defaults.tls()).isTrue();
        assertThat(defaults.downloadDir()).isEqualTo(dir.resolve("files").toAbsolutePath());
        assertThat(defaults.knownHosts()).isEqualTo(dir.resolve("conf/known_hosts").toAbsolutePath());
        assertThat(defaults.protocols()).isEmpty();
        assertThat(defaults.existing()).isEqualTo(ClientSettings.Existing.REFUSE);
        assertThat(defaults.history()).isEqualTo(dir.resolve("conf/history").toAbsolutePath());
        assertThat(defaults.historySize()).isEqualTo(1000);

        Files.writeString(conf.resolve("ftp.properties"), "server.host=ftp.example\nserver.port=21\n"
                + "download.dir=/srv/dl\ntls=false\nlocale=zh_CN\ntls.protocols=TLSv1.3, TLSv1.2\ntimeout=5\n"
                + "download.existing=rename\nhistory.file=/tmp/h\nhistory.size=0\n");
        ClientSettings s = ClientSettings.load(conf);
        assertThat(s.host()).isEqualTo("ftp.example");
        assertThat(s.port()).isEqualTo(21);
        assertThat(s.downloadDir()).isEqualTo(Path.of("/srv/dl"));
        assertThat(s.tls()).isFalse();
        assertThat(s.locale()).isEqualTo("zh_CN");
        assertThat(s.protocols()).isEqualTo(List.of("TLSv1.3", "TLSv1.2"));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.existing()).isEqualTo(ClientSettings.Existing.RENAME);
        assertThat(s.history()).isEqualTo(Path.of("/tmp/h"));
        assertThat(s.historySize()).isZero();
    }

    @Test
    void refusesBadSettings() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("ftp.properties"), "server.port=http\n");
        assertThatThrownBy(() -> ClientSettings.load(conf)).hasMessageContaining("server.port");
        Files.writeString(conf.resolve("ftp.properties"), "tls=maybe\n");
        assertThatThrownBy(() -> ClientSettings.load(conf)).hasMessageContaining("tls");
        Files.writeString(conf.resolve("ftp.properties"), "download.existing=overwrite\n");
        assertThatThrownBy(() -> ClientSettings.load(conf)).hasMessageContaining("download.existing");
    }
}
