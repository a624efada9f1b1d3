package ftp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The data-connection theft defence: a data connection passes {@link DataTls#resumes} only if it resumed the
 * TLS session of its own control connection. The control side runs through {@link TlsChannel} in a
 * selector loop, as in the server; the client side uses {@link ClientResumption}.
 */
class DataTlsTest {
    private static final int DATA_BYTES = 64 * 1024;

    private TlsEchoServer controlServer;
    private ServerSocket dataListener;
    private final ExecutorService serverSide = Executors.newSingleThreadExecutor();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        controlServer = new TlsEchoServer(TestKeyStore.contexts()::newSessionContext);
        dataListener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10).socket();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        serverSide.shutdownNow();
        dataListener.close();
        controlServer.close();
    }

    /** A client's control connection and what the server knows about it. */
    private record Control(SSLContext clientContext, SSLSocket socket, TlsEchoServer.Handshaken server) {}

    private Control openControl(SSLContext clientContext) throws Exception {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), controlServer.port());
        plain.setSoTimeout(10_000);
        SSLSocket socket = ClientResumption.clientControlSocket(clientContext, plain, "localhost", controlServer.port());
        toClose.add(socket);
        // a command and its reply, as after AUTH TLS; under TLS 1.3 this also delivers the session ticket
        socket.getOutputStream().write("PBSZ 0\n".getBytes(StandardCharsets.US_ASCII));
        String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
        assertThat(reply).isEqualTo("PBSZ 0");
        TlsEchoServer.Handshaken handshaken = controlServer.handshakes.poll(5, TimeUnit.SECONDS);
        assertThat(handshaken).isNotNull();
        return new Control(clientContext, socket, handshaken);
    }

    private enum Direction { DOWNLOAD, UPLOAD, EMPTY }

    /** Accepts one data connection on the server side, wraps it with {@code serverContext}, moves data. */
    private Future<SSLSession> serveData(SSLContext serverContext, Direction direction) {
        return serverSide.submit(() -> {
            try (TlsStream data = LoopDataHandshake.accept(serverContext, dataListener.accept())) {
                switch (direction) {
                    case DOWNLOAD -> data.getOutputStream().write(new byte[DATA_BYTES]);
                    case UPLOAD -> assertThat(data.getInputStream().readAllBytes()).hasSize(DATA_BYTES);
                    case EMPTY -> { }
                }
                return data.session();
            }
        });
    }

    private void clientData(Control control, Direction direction) throws IOException {
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), dataListener.getLocalPort());
        plain.setSoTimeout(10_000);
        try (TlsStream data = ClientResumption.clientDataSocket(
                control.clientContext(), plain, "localhost", controlServer.port())) {
            switch (direction) {
                case DOWNLOAD -> assertThat(data.getInputStream().readAllBytes()).hasSize(DATA_BYTES);
                case UPLOAD -> data.getOutputStream().write(new byte[DATA_BYTES]);
                case EMPTY -> { }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void tenDataConnectionsInARowResumeTheControlSession(String protocol) throws Exception {
        Control control = openControl(TestKeyStore.trustingClient(protocol));
        SSLSession controlSession = control.server().session();
        assertThat(controlSession.getProtocol()).isEqualTo(protocol);
        Direction[] directions = Direction.values();
        for (int i = 0; i < 10; i++) {
            Direction direction = directions[i % directions.length];
            Future<SSLSession> served = serveData(control.server().context(), direction);
            clientData(control, direction);
            SSLSession data = served.get(10, TimeUnit.SECONDS);
            assertThat(DataTls.resumes(data, controlSession))
                    .as("data connection %d (%s) resumed the control session", i, direction).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void aFreshHandshakeFromAnotherClientContextDoesNotPass(String protocol) throws Exception {
        Control victim = openControl(TestKeyStore.trustingClient(protocol));
        Future<SSLSession> served = serveData(victim.server().context(), Direction.EMPTY);
        Control thief = new Control(TestKeyStore.trustingClient(protocol), null, null);
        clientData(thief, Direction.EMPTY);
        assertThat(DataTls.resumes(served.get(10, TimeUnit.SECONDS), victim.server().session())).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void anotherClientsOwnResumableSessionDoesNotPass(String protocol) throws Exception {
        Control victim = openControl(TestKeyStore.trustingClient(protocol));
        Control thief = openControl(TestKeyStore.trustingClient(protocol));

        // the thief offers its own control session, which its own server context would accept...
        Future<SSLSession> own = serveData(thief.server().context(), Direction.EMPTY);
        clientData(thief, Direction.EMPTY);
        assertThat(DataTls.resumes(own.get(10, TimeUnit.SECONDS), thief.server().session())).isTrue();

        // ...but on the victim's data connection it gets nowhere
        Future<SSLSession> stolen = serveData(victim.server().context(), Direction.EMPTY);
        clientData(thief, Direction.EMPTY);
        SSLSession data = stolen.get(10, TimeUnit.SECONDS);
        assertThat(DataTls.resumes(data, victim.server().session())).isFalse();
        assertThat(DataTls.resumes(data, thief.server().session())).isFalse();
    }

    @Test
    void aLayeredJdkSocketDoesNotResumeWhichIsWhyClientDataSocketExists() throws Exception {
        Control control = openControl(TestKeyStore.trustingClient("TLSv1.3"));
        Future<SSLSession> served = serveData(control.server().context(), Direction.EMPTY);
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), dataListener.getLocalPort());
        try (SSLSocket layered = (SSLSocket) control.clientContext().getSocketFactory()
                .createSocket(plain, "localhost", controlServer.port(), true)) {
            layered.startHandshake();
        }
        assertThat(DataTls.resumes(served.get(10, TimeUnit.SECONDS), control.server().session())).isFalse();
    }

    @Test
    void aContextServesOneControlSessionOnly() throws Exception {
        SSLContext shared = TestKeyStore.contexts().newSessionContext();
        try (TlsEchoServer sharing = new TlsEchoServer(() -> shared)) {
            for (int i = 0; i < 2; i++) {
                Socket plain = new Socket(InetAddress.getLoopbackAddress(), sharing.port());
                plain.setSoTimeout(5000);
                SSLSocket client = (SSLSocket) TestKeyStore.trustingClient().getSocketFactory()
                        .createSocket(plain, "localhost", sharing.port(), true);
                toClose.add(client);
                if (i == 0) {
                    client.startHandshake();
                } else {
                    assertThatThrownBy(client::startHandshake).isInstanceOf(SSLException.class);
                }
            }
        }
    }

    @Test
    void aDataFullHandshakeInTheControlSessionsMillisecondIsRefused() {
        long controlCreated = 1_700_000_000_123L;
        assertThat(ControlSessionKeyManager.admitsDataSession(true, controlCreated, controlCreated)).isFalse();
        assertThat(ControlSessionKeyManager.admitsDataSession(true, controlCreated, controlCreated + 1)).isTrue();
        assertThat(ControlSessionKeyManager.admitsDataSession(false, 0, controlCreated)).isFalse();
    }

    @Test
    void sessionsOfContextsNotMadeByTlsContextsNeverPass() throws Exception {
        SSLContext foreign = TestKeyStore.unguardedServer();
        SSLContext client = TestKeyStore.trustingClient("TLSv1.2");
        SSLSession first = null;
        for (int i = 0; i < 2; i++) {
            Future<SSLSession> served = serverSide.submit(() -> {
                try (Socket accepted = dataListener.accept();
                        SSLSocket tls = (SSLSocket) foreign.getSocketFactory().createSocket(accepted, null, 0, true)) {
                    tls.setUseClientMode(false);
                    tls.startHandshake();
                    return tls.getSession();
                }
            });
            try (TlsStream socket = ClientResumption.clientDataSocket(client,
                    new Socket(InetAddress.getLoopbackAddress(), dataListener.getLocalPort()), "localhost", 1)) {
                socket.session();
            }
            SSLSession session = served.get(10, TimeUnit.SECONDS);
            if (first == null) {
                first = session;
            } else {
                assertThat(session.getCreationTime()).as("the second one resumed").isEqualTo(first.getCreationTime());
                assertThat(DataTls.resumes(session, first)).isFalse();
            }
        }
        assertThat(DataTls.resumes(null, first)).isFalse();
    }

    @Test
    void aSilentDataConnectionTimesOutInTheHandshake() throws Exception {
        Control control = openControl(TestKeyStore.trustingClient());
        Future<TlsStream> served = serverSide.submit(
                () -> LoopDataHandshake.accept(control.server().context(), dataListener.accept(), 200));
        try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), dataListener.getLocalPort())) {
            assertThatThrownBy(() -> served.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SocketTimeoutException.class);
            silent.setSoTimeout(2000);
            byte[] last = silent.getInputStream().readAllBytes(); // ends: the server closed the connection
            for (int record = 0; record < last.length; record += 7) {
                assertThat(last[record]).as("only alerts before the end").isEqualTo((byte) 21);
            }
        }
    }
}
