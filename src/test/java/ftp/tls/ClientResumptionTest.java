package ftp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client data socket as a socket: bytes both ways at once, a clean close with close_notify, and a cut
 * connection reported as an error rather than as a complete transfer. Resumption itself is in {@link DataTlsTest}.
 */
class ClientResumptionTest {
    private final SSLContext server = TestKeyStore.unguardedServer();
    private final ExecutorService serverSide = Executors.newSingleThreadExecutor();
    private ServerSocket listener;

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws IOException {
        serverSide.shutdownNow();
        listener.close();
    }

    private interface ServerBehaviour {
        Object serve(SSLSocket socket, Socket plain) throws Exception;
    }

    private Future<Object> serveOnce(ServerBehaviour behaviour) {
        return serverSide.submit(() -> {
            Socket plain = listener.accept();
            plain.setSoTimeout(10_000);
            SSLSocket tls = (SSLSocket) server.getSocketFactory().createSocket(plain, null, 0, true);
            tls.setUseClientMode(false);
            tls.setSSLParameters(TlsPolicy.serverParameters(tls.getSSLParameters()));
            tls.startHandshake();
            return behaviour.serve(tls, plain);
        });
    }

    private TlsStream connect(String protocol) throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        plain.setSoTimeout(10_000);
        return ClientResumption.clientDataSocket(TestKeyStore.trustingClient(protocol), plain, "localhost", 2121);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void echoesOneMebibyteWhileReadingAndWritingOnTwoThreads(String protocol) throws Exception {
        Future<Object> echo = serveOnce((tls, plain) -> {
            tls.getInputStream().transferTo(tls.getOutputStream());
            tls.close();
            return null;
        });
        byte[] sent = new byte[1 << 20];
        new Random(7).nextBytes(sent);
        try (TlsStream client = connect(protocol)) {
            assertThat(client.session().getProtocol()).isEqualTo(protocol);
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.getInputStream().readNBytes(sent.length);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            for (int off = 0; off < sent.length; off += 50_000) {
                client.getOutputStream().write(sent, off, Math.min(50_000, sent.length - off));
            }
            assertThat(Arrays.mismatch(received.get(10, TimeUnit.SECONDS), sent)).isEqualTo(-1);
        }
        echo.get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void closeSendsCloseNotify(String protocol) throws Exception {
        Future<Boolean> probe = serverSide.submit(() -> {
            try (Socket plain = listener.accept()) {
                plain.setSoTimeout(10_000);
                return CloseNotifyProbe.endsWithCloseNotify(server, plain);
            }
        });
        try (TlsStream client = connect(protocol)) {
            client.getOutputStream().write(new byte[1000]);
        }
        assertThat(probe.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theProbeTellsABareEndOfStreamFromCloseNotify() throws Exception {
        Future<Boolean> probe = serverSide.submit(() -> {
            try (Socket plain = listener.accept()) {
                plain.setSoTimeout(10_000);
                return CloseNotifyProbe.endsWithCloseNotify(server, plain);
            }
        });
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        TlsStream client = ClientResumption.clientDataSocket(TestKeyStore.trustingClient(), plain, "localhost", 2121);
        client.getOutputStream().write(new byte[1000]);
        plain.close(); // under the TLS layer: no close_notify
        assertThat(probe.get(10, TimeUnit.SECONDS)).isFalse();
        client.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aConnectionCutWithoutCloseNotifyIsAnErrorNotAnEnd(String protocol) throws Exception {
        Future<Object> cutter = serveOnce((tls, plain) -> {
            tls.getInputStream().read(); // the client finished its handshake
            tls.getOutputStream().write(new byte[1000]);
            tls.getOutputStream().flush();
            plain.shutdownOutput(); // TCP end of stream, but no close_notify
            plain.getInputStream().readAllBytes();
            plain.close();
            return null;
        });
        try (TlsStream client = connect(protocol)) {
            client.getOutputStream().write('!');
            InputStream in = client.getInputStream();
            assertThat(in.readNBytes(1000)).hasSize(1000);
            assertThatThrownBy(in::read).isInstanceOf(SSLException.class);
        }
        cutter.get(10, TimeUnit.SECONDS);
    }
}
