package ftp.client;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Opens logged-in connections to one server: connect, greeting, {@code AUTH TLS} with the pinned certificate (the
 * user is told when a certificate is pinned for the first time; a changed one is refused loudly), login and the
 * session setup. Used at start and again when the shell reconnects after a lost connection. Main thread.
 */
final class Connector {
    private final String host;
    private final int port;
    private final boolean tls;
    private final ClientSettings settings;
    private final Messages messages;
    private final Terminal terminal;
    private final PrintStream trace;
    private InetAddress peer;

    /** {@code trace} null unless the protocol dialog should be shown. */
    Connector(String host, int port, boolean tls, ClientSettings settings, Messages messages, Terminal terminal,
              PrintStream trace) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.settings = settings;
        this.messages = messages;
        this.terminal = terminal;
        this.trace = trace;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** The host as the prompt shows it: {@code localhost} on the server's own machine, as in the seed. */
    String shownHost() {
        return peer != null && peer.isLoopbackAddress() ? "localhost" : host;
    }

    /** A logged-in client; a {@link FtpReplyException} when the server refused the login. */
    FtpClient open(String user, char[] password) throws IOException {
        FtpClient client = connect();
        try {
            login(client, user, password);
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * A connection ready for a login: the greeting read and, unless plaintext was asked for, TLS on with the
     * server's certificate checked against its pin. Connecting comes first so that nobody types a password for a
     * server that is not there.
     */
    FtpClient connect() throws IOException {
        ClientTls secure = tls
                ? new ClientTls(new KnownHosts(settings.knownHosts()), host, port, settings.protocols()) : null;
        ControlChannel control = ControlChannel.connect(host, port, settings.timeout(), trace);
        peer = control.peer();
        FtpClient client = new FtpClient(control, secure, settings.timeout());
        try {
            client.greeting();
            if (secure != null) {
                startTls(client, secure);
            }
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Logs in on a connection from {@link #connect} and sets the session up; the caller closes it on failure. */
    void login(FtpClient client, String user, char[] password) throws IOException {
        client.login(user, password);
        client.prepare();
    }

    private void startTls(FtpClient client, ClientTls secure) throws IOException {
        try {
            client.startTls();
        } catch (FtpReplyException e) {
            // Not a login failure: retrying the password would not help, --plain would.
            throw new IOException(messages.get("tls.refused", e.reply().toString()), e);
        } catch (SSLException e) {
            PinningTrustManager trust = secure.trust();
            if (trust.verdict() == PinningTrustManager.Verdict.CHANGED) {
                SSLPeerUnverifiedException loud = new SSLPeerUnverifiedException(messages.get("pin.changed",
                        trust.endpoint(), trust.expected(), trust.offered(), settings.knownHosts()));
                loud.initCause(e);
                throw loud;
            }
            throw e;
        }
        PinningTrustManager trust = secure.trust();
        if (trust.verdict() == PinningTrustManager.Verdict.FIRST_USE) {
            trust.pinFirstUse();
            terminal.out().println(messages.get("pin.new", trust.endpoint(), trust.offered(), settings.knownHosts()));
        }
    }
}
