package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinningTrustManagerTest {
    @TempDir
    static Path keys;
    private static X509Certificate first;
    private static X509Certificate second;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        first = TestCertificates.certificate(TestCertificates.create(keys, "first"));
        second = TestCertificates.certificate(TestCertificates.create(keys, "second"));
    }

    @Test
    void trustsOnFirstUseAndPinsAfterwards() throws Exception {
        KnownHosts known = new KnownHosts(dir.resolve("conf/known_hosts"));
        PinningTrustManager trust = new PinningTrustManager(known, "127.0.0.1:2121");
        trust.checkServerTrusted(new X509Certificate[] {first}, "EC");
        assertThat(trust.verdict()).isEqualTo(PinningTrustManager.Verdict.FIRST_USE);
        assertThat(known.pinned("127.0.0.1:2121")).isEmpty();
        trust.pinFirstUse();
        assertThat(Files.readString(dir.resolve("conf/known_hosts")))
                .isEqualTo("127.0.0.1:2121 " + KnownHosts.fingerprint(first) + System.lineSeparator());

        PinningTrustManager later = new PinningTrustManager(known, "127.0.0.1:2121");
        later.checkServerTrusted(new X509Certificate[] {first}, "EC");
        assertThat(later.verdict()).isEqualTo(PinningTrustManager.Verdict.PINNED);
    }

    @Test
    void refusesAChangedCertificate() throws Exception {
        KnownHosts known = new KnownHosts(dir.resolve("known_hosts"));
        known.pin("127.0.0.1:2121", KnownHosts.fingerprint(first));
        PinningTrustManager trust = new PinningTrustManager(known, "127.0.0.1:2121");
        assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[] {second}, "EC"))
                .isInstanceOf(CertificateException.class).hasMessageContaining("changed");
        assertThat(trust.verdict()).isEqualTo(PinningTrustManager.Verdict.CHANGED);
        assertThat(trust.expected()).isEqualTo(KnownHosts.fingerprint(first));
        assertThat(trust.offered()).isEqualTo(KnownHosts.fingerprint(second));
    }

    @Test
    void aCertificateTrustedOnFirstUseBindsTheDataConnectionsToo() throws Exception {
        PinningTrustManager trust = new PinningTrustManager(new KnownHosts(dir.resolve("kh")), "h:21");
        trust.checkServerTrusted(new X509Certificate[] {first}, "EC");
        assertThatThrownBy(() -> trust.checkServerTrusted(new X509Certificate[] {second}, "EC"))
                .isInstanceOf(CertificateException.class);
    }

    @Test
    void pinsAreKeyedByHostAndPortAndReadLeniently() throws Exception {
        Path file = dir.resolve("kh");
        String hex = KnownHosts.fingerprint(first).substring("SHA256:".length());
        Files.writeString(file, "# comment\n127.0.0.1:2122 SHA256:00\n127.0.0.1:2121 " + hex.toLowerCase() + "\n");
        PinningTrustManager trust = new PinningTrustManager(new KnownHosts(file), "127.0.0.1:2121");
        trust.checkServerTrusted(new X509Certificate[] {first}, "EC");
        assertThat(trust.verdict()).isEqualTo(PinningTrustManager.Verdict.PINNED);
        assertThat(KnownHosts.endpoint("::1", 21)).isEqualTo("[::1]:21");
        assertThat(KnownHosts.sameFingerprint("SHA256:AB:CD", "abcd")).isTrue();
    }
}
