package ftp.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLSocket;

/**
 * The control connection: sends one command line at a time and reads the replies, first in plain text and, after
 * {@code AUTH TLS}, over TLS. Refuses to send a line containing CR or LF, so a name typed by the user can never
 * smuggle a second command. With a trace stream, shows the dialog (the password masked). Main thread.
 */
final class ControlChannel implements Closeable {
    private Socket socket;
    private ReplyReader replies;
    private OutputStream out;
    private final PrintStream trace;

    private ControlChannel(Socket socket, PrintStream trace) throws IOException {
        this.trace = trace;
        attach(socket);
    }

    /** Connects; {@code trace} may be null. The greeting is still to be read. */
    static ControlChannel connect(String host, int port, Duration timeout, PrintStream trace) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            return new ControlChannel(socket, trace);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private void attach(Socket s) throws IOException {
        socket = s;
        replies = new ReplyReader(new BufferedInputStream(s.getInputStream()));
        out = new BufferedOutputStream(s.getOutputStream());
    }

    void send(String line) throws IOException {
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a command cannot contain a line break");
        }
        if (trace != null) {
            trace.println("--> " + (line.regionMatches(true, 0, "PASS ", 0, 5) ? "PASS ****" : line));
        }
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
        out.flush();
    }

    Reply read() throws IOException {
        Reply reply = replies.read();
        if (trace != null) {
            reply.lines().forEach(l -> trace.println("<-- " + l));
        }
        return reply;
    }

    /** Continues over TLS after the server accepted {@code AUTH TLS}; any plaintext it sent after is dropped. */
    SSLSocket secure(ClientTls tls) throws IOException {
        SSLSocket secure = tls.secureControl(socket);
        attach(secure);
        return secure;
    }

    /** The server's address: data connections go there whatever address PASV announces. */
    InetAddress peer() {
        return socket.getInetAddress();
    }

    void timeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
