package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.tls.TlsStream;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data connections must resume the control connection's TLS session many times in a row, under TLS 1.2 and 1.3,
 * uploads and downloads alike. The JDK server here counts full handshakes through its key manager: a resumed
 * handshake never asks for the server's key.
 */
class DataConnectionResumptionTest {
    private static final int CONNECTIONS = 10;
    private static final byte[] PAYLOAD = new byte[300_000];

    @TempDir
    static Path dir;
    private static X509KeyManager keys;
    private static ExecutorService server;

    @BeforeAll
    static void makeKeys() throws Exception {
        new Random(5).nextBytes(PAYLOAD);
        keys = TestCertificates.keyManager(TestCertificates.create(dir, "server"));
        server = Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        server.shutdownNow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void everyDataConnectionResumesTheControlSession(String protocol) throws Exception {
        CountingKeyManager counting = new CountingKeyManager(keys);
        SSLContext serverContext = TestCertificates.serverContext(counting);
        try (SSLServerSocket control = listen(serverContext, protocol);
             SSLServerSocket data = listen(serverContext, protocol)) {
            Future<List<Integer>> served = server.submit(() -> serve(control, data));

            Socket plain = new Socket(InetAddress.getLoopbackAddress(), control.getLocalPort());
            ClientTls tls = new ClientTls(new KnownHosts(dir.resolve(protocol + "-known")), "127.0.0.1",
                    control.getLocalPort(), List.of(protocol));
            try (SSLSocket secure = tls.secureControl(plain)) {
                BufferedReader lines = new BufferedReader(
                        new InputStreamReader(secure.getInputStream(), StandardCharsets.US_ASCII));
                assertThat(lines.readLine()).isEqualTo("220 ready");
                byte[] controlId = secure.getSession().getId();
                for (int i = 0; i < CONNECTIONS; i++) {
                    try (TlsStream d = open(tls.dataEngine(), data.getLocalPort())) {
                        if (i % 2 == 0) {
                            d.getOutputStream().write(PAYLOAD);
                        } else {
                            assertThat(d.getInputStream().readAllBytes()).isEqualTo(PAYLOAD);
                        }
                        assertThat(d.session().getProtocol()).isEqualTo(protocol);
                        if (protocol.equals("TLSv1.2")) {
                            assertThat(d.session().getId()).isEqualTo(controlId);
                        }
                    }
                }
                secure.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                secure.getOutputStream().flush();
            }
            List<Integer> uploadSizes = served.get(20, TimeUnit.SECONDS);
            assertThat(uploadSizes).hasSize(CONNECTIONS / 2).containsOnly(PAYLOAD.length);
            assertThat(counting.fullHandshakes.get()).as("full handshakes: only the control connection's").isEqualTo(1);
            assertThat(tls.trust().verdict()).isEqualTo(PinningTrustManager.Verdict.FIRST_USE);
        }
    }

    /** Shows that the count above would catch a data connection that does not resume. */
    @Test
    void anEngineForAnotherEndpointMakesAFullHandshake() throws Exception {
        CountingKeyManager counting = new CountingKeyManager(keys);
        SSLContext serverContext = TestCertificates.serverContext(counting);
        try (SSLServerSocket control = listen(serverContext, "TLSv1.3");
             SSLServerSocket data = listen(serverContext, "TLSv1.3")) {
            Future<?> served = server.submit(() -> {
                try (SSLSocket s = (SSLSocket) control.accept()) {
                    s.startHandshake();
                    try (SSLSocket d = (SSLSocket) data.accept()) {
                        d.getOutputStream().write(PAYLOAD, 0, 10);
                    }
                }
                return null;
            });
            ClientTls tls = new ClientTls(new KnownHosts(dir.resolve("other-known")), "127.0.0.1",
                    control.getLocalPort(), List.of("TLSv1.3"));
            try (SSLSocket secure = tls.secureControl(new Socket(InetAddress.getLoopbackAddress(),
                    control.getLocalPort()))) {
                SSLContext pinned = SSLContext.getInstance("TLS");
                pinned.init(null, new javax.net.ssl.TrustManager[] {tls.trust()}, null);
                SSLEngine unrelated = pinned.createSSLEngine("127.0.0.1", data.getLocalPort());
                unrelated.setUseClientMode(true);
                try (TlsStream d = open(unrelated, data.getLocalPort())) {
                    assertThat(d.getInputStream().readAllBytes()).isEqualTo(Arrays.copyOf(PAYLOAD, 10));
                }
                assertThat(secure.getSession().isValid()).isTrue();
            }
            served.get(20, TimeUnit.SECONDS);
            assertThat(counting.fullHandshakes.get()).isEqualTo(2);
        }
    }

    private static TlsStream open(SSLEngine engine, int port) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5_000);
        TlsStream d = TlsStream.client(socket, engine);
        d.startHandshake();
        return d;
    }

    private static SSLServerSocket listen(SSLContext context, String protocol) throws Exception {
        SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        s.setEnabledProtocols(new String[] {protocol});
        s.setSoTimeout(20_000);
        return s;
    }

    /** Control connection: greet, then serve data connections alternately as uploads and downloads. */
    private static List<Integer> serve(SSLServerSocket control, SSLServerSocket data) throws Exception {
        List<Integer> uploads = new java.util.ArrayList<>();
        try (SSLSocket c = (SSLSocket) control.accept()) {
            c.getOutputStream().write("220 ready\r\n".getBytes(StandardCharsets.US_ASCII));
            c.getOutputStream().flush();
            for (int i = 0; i < CONNECTIONS; i++) {
                try (SSLSocket d = (SSLSocket) data.accept()) {
                    d.setSoTimeout(20_000);
                    if (i % 2 == 0) {
                        InputStream in = d.getInputStream();
                        ByteArrayOutputStream got = new ByteArrayOutputStream();
                        in.transferTo(got);
                        uploads.add(Arrays.equals(got.toByteArray(), PAYLOAD) ? got.size() : -got.size());
                    } else {
                        OutputStream out = d.getOutputStream();
                        out.write(PAYLOAD);
                        out.flush();
                    }
                }
            }
            c.getInputStream().read();
        }
        return uploads;
    }

    /** Counts the times the server's key is chosen: once per full handshake, never for a resumed one. */
    private static final class CountingKeyManager extends X509ExtendedKeyManager {
        final AtomicInteger fullHandshakes = new AtomicInteger();
        private final X509KeyManager delegate;

        CountingKeyManager(X509KeyManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            String alias = delegate.chooseServerAlias(keyType, issuers, socket);
            if (alias != null) {
                fullHandshakes.incrementAndGet();
            }
            return alias;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return chooseServerAlias(keyType, issuers, null);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return delegate.getServerAliases(keyType, issuers);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return delegate.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
        }
    }
}
