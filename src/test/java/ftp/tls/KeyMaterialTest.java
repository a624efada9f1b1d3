package ftp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyMaterialTest {
    private static final char[] PASSWORD = TestKeyStore.PASSWORD;

    @TempDir
    static Path dir;
    static Path p12;

    @BeforeAll
    static void createOnce() {
        p12 = TestKeyStore.p12(); // made by ensureSelfSigned for a nested path that did not exist
    }

    @Test
    void createsAPrivateKeyStoreAndItsDirectoriesWithNothingLeftBehind() throws IOException {
        assertThat(p12).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p12))).isEqualTo("rw-------");
        assertThat(p12.getParent().getFileName()).hasToString("tls");
        try (var siblings = Files.list(p12.getParent())) {
            assertThat(siblings.collect(Collectors.toList())).containsExactly(p12);
        }
    }

    @Test
    void keepsAnExistingKeyStore() throws IOException {
        byte[] before = Files.readAllBytes(p12);
        KeyMaterial.ensureSelfSigned(p12, PASSWORD, "other.example.org");
        KeyMaterial.ensureSelfSigned(p12, PASSWORD, TestKeyStore.HOST_NAME);
        assertThat(Files.readAllBytes(p12)).isEqualTo(before);
    }

    @Test
    void certificateNamesTheHostAndLoopbackAndLastsAbout825Days() throws Exception {
        X509Certificate certificate = (X509Certificate) KeyMaterial.certificate(p12, PASSWORD);
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=" + TestKeyStore.HOST_NAME);
        assertThat(certificate.getSubjectAlternativeNames())
                .extracting(name -> name.get(1).toString())
                .containsExactlyInAnyOrder(TestKeyStore.HOST_NAME, "localhost", "127.0.0.1");
        Duration validity = Duration.between(certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant());
        assertThat(validity.toDays()).isBetween(824L, 826L);
        assertThat(certificate.getPublicKey().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void fingerprintIsWhatKeytoolPrintsAndWhatAClientSees() throws Exception {
        String fingerprint = KeyMaterial.sha256Fingerprint(p12, PASSWORD);
        assertThat(fingerprint).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");

        ProcessBuilder list = new ProcessBuilder(KeyMaterial.keytool().toString(), "-list",
                "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass:env", "STOREPASS")
                .redirectErrorStream(true);
        list.environment().put("STOREPASS", new String(PASSWORD));
        Process process = list.start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(printed).contains(fingerprint);

        TlsContexts contexts = TlsContexts.load(p12, PASSWORD);
        try (TlsEchoServer server = new TlsEchoServer(contexts::newSessionContext);
                Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            SSLSocket client = (SSLSocket) TestKeyStore.trustingClient(p12, PASSWORD, "TLS").getSocketFactory()
                    .createSocket(plain, "localhost", server.port(), true);
            client.startHandshake();
            X509Certificate seen = (X509Certificate) client.getSession().getPeerCertificates()[0];
            assertThat(KeyMaterial.sha256Fingerprint(seen)).isEqualTo(fingerprint);
            client.close();
        }
    }

    @Test
    void refusesAHostNameThatIsNotOne() {
        Path target = dir.resolve("bad.p12");
        assertThatThrownBy(() -> KeyMaterial.ensureSelfSigned(target, PASSWORD, "evil,O=Injected"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(target).doesNotExist();
    }

    @Test
    void namesAnIpAddressAsAnIpAddress() {
        assertThat(List.of(KeyMaterial.subjectAlternativeNames("192.0.2.7").split(",")))
                .containsExactly("ip:192.0.2.7", "dns:localhost", "ip:127.0.0.1");
        assertThat(List.of(KeyMaterial.subjectAlternativeNames("localhost").split(",")))
                .containsExactly("dns:localhost", "ip:127.0.0.1");
    }

    @Test
    void aWrongPasswordIsAnIoErrorNotASilentEmptyStore() {
        assertThatThrownBy(() -> KeyMaterial.serverContext(p12, "wrong".toCharArray()))
                .isInstanceOf(IOException.class);
    }
}
