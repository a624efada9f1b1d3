package ftp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TlsChannelTest {
    private TlsEchoServer server;

    @BeforeEach
    void start() throws IOException {
        TlsContexts contexts = TestKeyStore.contexts();
        server = new TlsEchoServer(contexts::newSessionContext);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private SSLSocket connect(String protocol) throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port());
        plain.setSoTimeout(10_000);
        SSLContext client = TestKeyStore.trustingClient();
        SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(plain, "localhost", server.port(), true);
        tls.setEnabledProtocols(new String[] {protocol});
        tls.startHandshake();
        return tls;
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void handshakesWithoutBlockingTheLoopAndEchoesLines(String protocol) throws Exception {
        try (SSLSocket client = connect(protocol)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = client.getOutputStream();
            out.write("USER alice\nPASS secret\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(in.readLine()).isEqualTo("USER alice");
            assertThat(in.readLine()).isEqualTo("PASS secret");
            TlsEchoServer.Handshaken handshaken = server.handshakes.poll(5, TimeUnit.SECONDS);
            assertThat(handshaken).isNotNull();
            assertThat(handshaken.session().getProtocol()).isEqualTo(protocol);
            assertThat(server.tasksRun.get()).as("delegated tasks ran on the worker pool").isPositive();
        }
        assertThat(server.errors).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void carriesOneMebibyteEachWay(String protocol) throws Exception {
        int size = 1 << 20;
        try (SSLSocket client = connect(protocol)) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] line = new byte[size + 1];
            for (int i = 0; i < size; i++) {
                line[i] = (byte) ('a' + i % 26);
            }
            line[size] = '\n';
            CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
                try {
                    out.write(line);
                    out.flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] echoed = in.readNBytes(size + 1);
            assertThat(Arrays.mismatch(echoed, line)).as("first difference in the 1 MiB echo").isEqualTo(-1);
            upload.get(10, TimeUnit.SECONDS);

            out.write(("BIG " + size + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] big = in.readNBytes(size + 1);
            assertThat(big).hasSize(size + 1);
            assertThat(big[size]).isEqualTo((byte) '\n');
            for (int i = 0; i < size; i++) {
                if (big[i] != 'x') {
                    throw new AssertionError("byte " + i + " of the 1 MiB answer is " + big[i]);
                }
            }
        }
        assertThat(server.errors).isEmpty();
    }

    @Test
    void clientCloseNotifyEndsTheSessionAndServerCloseNotifyEndsTheClientStream() throws Exception {
        try (SSLSocket client = connect("TLSv1.3")) {
            client.getOutputStream().write("hi\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(client.getInputStream().readNBytes(3)).isEqualTo("hi\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(server.peerCloses.poll(5, TimeUnit.SECONDS)).isEqualTo("closed");

        try (SSLSocket client = connect("TLSv1.2")) {
            client.getOutputStream().write("QUIT\n".getBytes(StandardCharsets.US_ASCII));
            // a clean -1, not an exception: the server sent close_notify before closing
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(server.errors).isEmpty();
    }

    @Test
    void garbageInsteadOfClientHelloFailsThatSessionOnly() throws Exception {
        try (Socket rogue = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            rogue.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".repeat(20).getBytes(StandardCharsets.US_ASCII));
            rogue.getOutputStream().flush();
            assertThat(server.errors.poll(5, TimeUnit.SECONDS)).isInstanceOf(SSLException.class);
            rogue.setSoTimeout(5000);
            InputStream in = rogue.getInputStream();
            while (in.read() >= 0) {
                // an alert perhaps, then the server closes
            }
        }
        try (SSLSocket client = connect("TLSv1.3")) {
            client.getOutputStream().write("still here\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8))
                    .readLine()).isEqualTo("still here");
        }
    }

    @Test
    void plaintextPipelinedBeforeTheClientHelloIsNeverDelivered() throws Exception {
        // what a STARTTLS injection looks like to the channel: commands in clear, then the real handshake
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            plain.getOutputStream().write("DELE precious\r\n".getBytes(StandardCharsets.US_ASCII));
            plain.getOutputStream().flush();
            assertThat(server.errors.poll(5, TimeUnit.SECONDS)).isInstanceOf(SSLException.class);
        }
        assertThat(server.handshakes).isEmpty();
    }

    @Test
    void refusesATls11ClientHello() throws Exception {
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            plain.setSoTimeout(5000);
            plain.getOutputStream().write(ClientHellos.tls11());
            plain.getOutputStream().flush();
            byte[] reply = plain.getInputStream().readNBytes(7);
            assertThat(reply).as("server errors: " + server.errors).hasSize(7);
            assertThat(reply[0]).as("an alert record").isEqualTo((byte) 21);
            assertThat(reply[5]).as("fatal").isEqualTo((byte) 2);
            assertThat(reply[6]).as("protocol_version or handshake_failure").isIn((byte) 70, (byte) 40);
        }
        assertThat(server.errors.poll(5, TimeUnit.SECONDS)).isInstanceOf(SSLException.class);
        assertThat(server.handshakes).isEmpty();
    }

    @Test
    void keepsUndeliveredPlaintextVisibleAsBufferedInput() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = listener.socket().getLocalPort();
            CompletableFuture<SSLSocket> clientSide = CompletableFuture.supplyAsync(() -> {
                try {
                    Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
                    SSLSocket tls = (SSLSocket) TestKeyStore.trustingClient().getSocketFactory()
                            .createSocket(plain, "localhost", port, true);
                    tls.startHandshake();
                    tls.getOutputStream().write("first line\nsecond line\n".getBytes(StandardCharsets.US_ASCII));
                    tls.getOutputStream().flush();
                    return tls;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (SocketChannel accepted = listener.accept()) {
                accepted.configureBlocking(false);
                SSLContext context = TestKeyStore.contexts().newSessionContext();
                TlsChannel tls = new TlsChannel(accepted, context.createSSLEngine(), Runnable::run, () -> {});
                ByteBuffer small = ByteBuffer.allocate(5);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (small.position() == 0 && System.nanoTime() < deadline) {
                    tls.read(small);
                    tls.flush();
                    Thread.sleep(1);
                }
                assertThat(small.position()).isEqualTo(5);
                assertThat(tls.hasBufferedInput()).as("the rest waits in the channel, not in the socket").isTrue();
                StringBuilder rest = new StringBuilder(new String(small.array(), 0, 5, StandardCharsets.US_ASCII));
                while (tls.hasBufferedInput()) {
                    small.clear();
                    tls.read(small);
                    rest.append(new String(small.array(), 0, small.position(), StandardCharsets.US_ASCII));
                }
                assertThat(rest.toString()).isEqualTo("first line\nsecond line\n");
                assertThat(tls.hasPendingOutput()).isFalse();
                tls.close();
            }
            clientSide.get(10, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void refusesToQueueMoreOutputThanItsBound() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open();
                Socket peer = new Socket()) {
            listener.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            peer.connect(listener.getLocalAddress());
            try (SocketChannel accepted = listener.accept()) {
                accepted.configureBlocking(false);
                TlsChannel tls = new TlsChannel(accepted,
                        TestKeyStore.contexts().newSessionContext().createSSLEngine(), Runnable::run, () -> {});
                // no handshake yet: the plaintext is held, up to the bound
                tls.write(ByteBuffer.allocate(TlsChannel.MAX_PENDING_OUTPUT / 2));
                assertThatThrownBy(() -> tls.write(ByteBuffer.allocate(TlsChannel.MAX_PENDING_OUTPUT)))
                        .isInstanceOf(IOException.class);
                tls.close();
            }
        }
    }
}
