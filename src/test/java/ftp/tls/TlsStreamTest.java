package ftp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server's data stream after the loop's handshake: under TLS 1.3 it sends nothing more (no ticket) until it
 * sends data or closes, so a client that uploads and closes without reading is never reset by a ticket arriving
 * late; and an end of stream without close_notify is an error caused by the end of stream, never a clean end.
 */
class TlsStreamTest {
    private final ExecutorService serverSide = Executors.newSingleThreadExecutor();
    private ServerSocket listener;

    @BeforeEach
    void listen() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 5).socket();
    }

    @AfterEach
    void stop() throws IOException {
        serverSide.shutdownNow();
        listener.close();
    }

    private SSLSocket connect(Socket plain, String protocol) throws IOException {
        SSLSocket client = (SSLSocket) TestKeyStore.trustingClient(protocol).getSocketFactory()
                .createSocket(plain, "localhost", listener.getLocalPort(), true);
        client.startHandshake();
        return client;
    }

    @Test
    void underTls13NothingFollowsTheHandshakeUntilTheServerSendsOrCloses() throws Exception {
        CountDownLatch mayClose = new CountDownLatch(1);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        Future<Object> upload = serverSide.submit(() -> {
            try (TlsStream data = LoopDataHandshake.accept(TestKeyStore.unguardedServer(), listener.accept())) {
                received.complete(data.getInputStream().readNBytes(1000));
                mayClose.await(10, TimeUnit.SECONDS);
                return null;
            }
        });
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        plain.setSoTimeout(10_000);
        try (SSLSocket client = connect(plain, "TLSv1.3")) {
            assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
            client.getOutputStream().write(new byte[1000]);
            client.getOutputStream().flush();
            assertThat(received.get(10, TimeUnit.SECONDS)).hasSize(1000);
            Thread.sleep(200);
            assertThat(plain.getInputStream().available()).as("bytes the server sent after the handshake").isZero();
            mayClose.countDown();
            // the ticket and close_notify come together at the end; the client reads them as a clean end
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
        upload.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aDownloadEndsWithCloseNotifyForAJdkClient() throws Exception {
        Future<Object> download = serverSide.submit(() -> {
            try (TlsStream data = LoopDataHandshake.accept(TestKeyStore.unguardedServer(), listener.accept())) {
                data.getOutputStream().write("payload".getBytes(StandardCharsets.US_ASCII));
                data.shutdownOutput();
                return null;
            }
        });
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        plain.setSoTimeout(10_000);
        try (SSLSocket client = connect(plain, "TLSv1.3")) {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            client.getInputStream().transferTo(got);
            assertThat(got.toString(StandardCharsets.US_ASCII)).isEqualTo("payload");
        }
        download.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anEndWithoutCloseNotifyIsAnErrorCausedByTheEndOfStream() throws Exception {
        Future<Throwable> upload = serverSide.submit(() -> {
            try (TlsStream data = LoopDataHandshake.accept(TestKeyStore.unguardedServer(), listener.accept())) {
                InputStream in = data.getInputStream();
                assertThat(in.readNBytes(5000)).hasSize(5000);
                try {
                    in.read();
                    return null;
                } catch (IOException e) {
                    assertThatThrownBy(in::read).as("the end stays an error").isInstanceOf(SSLException.class);
                    return e;
                }
            }
        });
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        plain.setSoTimeout(10_000);
        SSLSocket client = connect(plain, "TLSv1.2");
        client.getOutputStream().write(new byte[5000]);
        client.getOutputStream().flush();
        plain.shutdownOutput(); // under the TLS layer: no close_notify
        Throwable error = upload.get(10, TimeUnit.SECONDS);
        plain.close();
        assertThat(error).isInstanceOf(SSLException.class).hasCauseInstanceOf(EOFException.class);
    }
}
