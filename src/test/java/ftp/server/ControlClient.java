package ftp.server;

import ftp.tls.ClientResumption;
import ftp.tls.TlsStream;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A raw control connection for tests, like netcat: send lines, read replies (multi-line aware). Test thread.
 */
public final class ControlClient implements AutoCloseable {
    private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;
    private final int controlPort;
    private final SSLContext tlsContext; // null while the control connection is plain

    public ControlClient(int port) {
        this(port, null);
    }

    /** Connects from {@code localAddress} (e.g. 127.0.0.2: all of 127/8 is loopback), or any when null. */
    public ControlClient(int port, String localAddress) {
        this("127.0.0.1", port, localAddress);
    }

    /** Connects to {@code host} (an address literal such as {@code ::1}), from {@code localAddress} when not null. */
    public ControlClient(String host, int port, String localAddress) {
        try {
            socket = new Socket();
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        controlPort = port;
        tlsContext = null;
    }

    private ControlClient(SSLSocket tls, SSLContext context, int port) throws IOException {
        socket = tls;
        in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8));
        out = tls.getOutputStream();
        controlPort = port;
        tlsContext = context;
    }

    /** Implicit FTPS: connects to {@code port}, runs the TLS handshake at once and reads the 220. */
    public static ControlClient implicitTls(int port) {
        SSLContext context = trustingContext();
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            plain.setSoTimeout(10_000);
            ControlClient c = new ControlClient(ClientResumption.clientControlSocket(context, plain, "127.0.0.1", port),
                    context, port);
            c.expect(220);
            return c;
        } catch (IOException e) {
            closeQuietly(plain);
            throw new UncheckedIOException(e);
        }
    }

    /** Logs in over TLS (AUTH TLS first) and asks for protected data connections (PBSZ 0, PROT P). */
    public static ControlClient loggedInTls(int port, String user, String password) {
        ControlClient plain = new ControlClient(port);
        plain.expect(220);
        ControlClient c = plain.startTls();
        c.send("USER " + user);
        c.expect(331);
        c.send("PASS " + password);
        c.expect(230);
        c.send("PBSZ 0");
        c.expect(200);
        c.send("PROT P");
        c.expect(200);
        return c;
    }

    /**
     * AUTH TLS and the handshake, with a context that trusts the test server's self-signed certificate. Returns
     * the client over TLS; this plain one must not be used again (closing either closes the connection).
     */
    public ControlClient startTls() {
        send("AUTH TLS");
        expect(234);
        return handshake();
    }

    /** The client side of the handshake on this connection, for tests that sent AUTH TLS themselves. */
    public ControlClient handshake() {
        SSLContext context = trustingContext();
        try {
            return new ControlClient(ClientResumption.clientControlSocket(context, socket, "127.0.0.1", controlPort),
                    context, controlPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The control connection's TLS session, or null while it is plain. */
    public SSLSession tlsSession() {
        return socket instanceof SSLSocket tls ? tls.getSession() : null;
    }

    /**
     * Under PROT P: EPSV, connect, send {@code command}, expect 150, then a fresh full TLS handshake on the data
     * connection from another context, as a thief who reached the passive port would. The final reply is the
     * caller's to read.
     */
    public SSLSocket openWithoutResuming(String command) {
        Socket plain = openPassive();
        try {
            expect150(command, plain);
            SSLSocket tls = (SSLSocket) trustingContext().getSocketFactory().createSocket(plain, "127.0.0.1",
                    plain.getPort(), true);
            tls.startHandshake();
            tls.setSoTimeout(10_000);
            return tls;
        } catch (IOException e) {
            closeQuietly(plain);
            throw new UncheckedIOException(e);
        }
    }

    /** As {@link #openWithoutResuming}, but resuming the control session as curl and lftp do. */
    private TlsStream openProtected(String command, Socket plain) {
        try {
            expect150(command, plain);
            TlsStream tls = ClientResumption.clientDataSocket(tlsContext, plain, "127.0.0.1", controlPort);
            tls.setSoTimeout(10_000);
            return tls;
        } catch (IOException e) {
            closeQuietly(plain);
            throw new UncheckedIOException(e);
        }
    }

    private void expect150(String command, Socket plain) {
        if (tlsContext == null) {
            closeQuietly(plain);
            throw new IllegalStateException("not a TLS control connection");
        }
        send(command);
        String r = reply();
        if (r == null || !r.startsWith("150")) {
            closeQuietly(plain);
            throw new AssertionError(command + ": " + r);
        }
    }

    /** Under PROT P, a listing or download over a data connection that resumes the control session. */
    public byte[] fetchProtected(String command) {
        try (TlsStream data = openProtected(command, openPassive())) {
            byte[] bytes = data.getInputStream().readAllBytes();
            expect(226);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Under PROT P, an upload ended with close_notify over a resumed data connection; returns the final reply. */
    public String uploadProtected(String command, byte[] content) {
        try (TlsStream data = openProtected(command, openPassive())) {
            data.getOutputStream().write(content);
            data.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return reply();
    }

    /**
     * Under PROT P, sends {@code content} over a resumed data connection, then ends the TCP stream without
     * close_notify, as a truncation attack or a crashed client would; returns the final reply.
     */
    public String cutProtectedUpload(String command, byte[] content) {
        Socket plain = openPassive();
        try {
            TlsStream data = openProtected(command, plain);
            data.getOutputStream().write(content);
            data.getOutputStream().flush();
            plain.shutdownOutput();
            String reply = reply();
            plain.close();
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            closeQuietly(plain);
        }
    }

    /**
     * Like {@link #cutProtectedUpload}, but the TCP connection ends with a reset (RST, SO_LINGER 0) instead of
     * a FIN; returns the final reply.
     */
    public String resetProtectedUpload(String command, byte[] content) {
        Socket plain = openPassive();
        try {
            TlsStream data = openProtected(command, plain);
            data.getOutputStream().write(content);
            data.getOutputStream().flush();
            plain.setSoLinger(true, 0);
            plain.close();
            return reply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            closeQuietly(plain);
        }
    }

    /** A TLS client context that trusts any certificate: the test server's is self-signed and made on first start. */
    public static SSLContext trustingContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustingManager()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** Trusts every server; for tests against their own server only. */
    private static final class TrustingManager extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("client side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // trusted: see the class comment
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            // trusted: see the class comment
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            // trusted: see the class comment
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    public static ControlClient loggedIn(int port, String user, String password) {
        ControlClient c = new ControlClient(port);
        c.expect(220);
        c.send("USER " + user);
        c.expect(331);
        c.send("PASS " + password);
        c.expect(230);
        return c;
    }

    public Socket socket() {
        return socket;
    }

    public void send(String line) {
        raw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    public void raw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one whole reply; its text is every line joined with \n. Null at end of stream. */
    public String reply() {
        try {
            String first = in.readLine();
            if (first == null) {
                return null;
            }
            if (first.length() >= 4 && first.charAt(3) == '-') {
                String code = first.substring(0, 3);
                StringBuilder b = new StringBuilder(first);
                String line;
                while ((line = in.readLine()) != null) {
                    b.append('\n').append(line);
                    if (line.startsWith(code + " ")) {
                        break;
                    }
                }
                return b.toString();
            }
            return first;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String expect(int code) {
        String r = reply();
        if (r == null || !r.startsWith(Integer.toString(code))) {
            throw new AssertionError("expected " + code + " but got: " + r);
        }
        return r;
    }

    public String command(String line) {
        send(line);
        return reply();
    }

    /** EPSV and connect: the data socket. */
    public Socket openPassive() {
        String r = command("EPSV");
        Matcher m = EPSV.matcher(r == null ? "" : r);
        if (!m.find()) {
            throw new AssertionError("EPSV failed: " + r);
        }
        try {
            Socket data = new Socket();
            data.connect(new InetSocketAddress(socket.getInetAddress(), Integer.parseInt(m.group(1))), 5000);
            data.setSoTimeout(10_000);
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a listing or download command over a fresh passive connection and returns the bytes. */
    public byte[] fetch(String command) {
        try (Socket data = openPassive()) {
            send(command);
            String r = reply();
            if (r == null || !r.startsWith("150")) {
                throw new AssertionError(command + ": " + r);
            }
            byte[] bytes = data.getInputStream().readAllBytes();
            expect(226);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> list(String command) {
        String text = new String(fetch(command), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        for (String l : text.split("\r\n")) {
            if (!l.isEmpty()) {
                lines.add(l);
            }
        }
        return lines;
    }

    /** Uploads bytes with the given command over a fresh passive connection; returns the final reply. */
    public String upload(String command, byte[] content) {
        Socket data = openPassive();
        try {
            send(command);
            String r = reply();
            if (r == null || !r.startsWith("150")) {
                return r;
            }
            try {
                data.getOutputStream().write(content);
            } catch (IOException e) {
                // the server may refuse mid-way (quota); the reply says why
            }
            data.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            closeQuietly(data);
        }
        return reply();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // test cleanup
        }
    }

    /** The port of an EPSV reply (without connecting), for tests that connect in their own way. */
    public int epsvPort() {
        String r = command("EPSV");
        Matcher m = EPSV.matcher(r == null ? "" : r);
        if (!m.find()) {
            throw new AssertionError("EPSV failed: " + r);
        }
        return Integer.parseInt(m.group(1));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // test cleanup
        }
    }
}
