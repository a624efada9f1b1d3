package ftp.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * One FTP session's control connection: commands and replies, explicit TLS ({@code AUTH TLS}, {@code PBSZ 0},
 * {@code PROT P}), and passive data connections opened the way common clients open them (PASV, connect, send
 * the command, read its 1xx reply, then the TLS handshake). Data connections connect to the control
 * connection's host, not the address in the 227 reply, as Python's ftplib does. One thread at a time.
 */
final class ControlConnection implements AutoCloseable {
    private static final Pattern PASV = Pattern.compile("(\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)");
    private static final int MAX_REPLY = 64 * 1024;

    private final Target target;
    private final StreamWire socket;
    private Wire wire;
    /** This session's TLS context once {@code AUTH TLS} succeeded: its cache holds the session data connections resume. */
    private SSLContext tls;
    private boolean protectData;
    /** Received bytes not yet parsed into replies; kept flipped. Small, since idle tests hold thousands. */
    private ByteBuffer in = ByteBuffer.allocate(512).flip();

    private ControlConnection(Target target, StreamWire socket) {
        this.target = target;
        this.socket = socket;
        this.wire = socket;
    }

    /** Connects and reads the greeting. */
    static ControlConnection open(Target target) throws IOException {
        ControlConnection c = new ControlConnection(target, StreamWire.connect(target.control(),
                target.replyTimeoutMillis()));
        try {
            Reply greeting = c.readReply();
            if (!greeting.is(2)) {
                throw new UnexpectedReply("(greeting)", greeting);
            }
            return c;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    /** Connects, logs in, protects data connections when the target uses TLS, and sets binary type. */
    /** A session for a load worker, or null with the failure counted under {@code what}: the worker then idles. */
    static ControlConnection sessionOrNull(Target target, ErrorTally errors, String what) {
        try {
            return session(target);
        } catch (IOException e) {
            errors.add(what, e);
            return null;
        }
    }

    static ControlConnection session(Target target) throws IOException {
        ControlConnection c = open(target);
        try {
            c.login();
            c.protectData();
            c.require("TYPE I", 2);
            return c;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    /** {@code AUTH TLS} first when the target uses TLS, then USER and PASS. */
    void login() throws IOException {
        if (target.tls()) {
            require("AUTH TLS", 2);
            tls = ClientTls.newContext();
            TlsWire t = new TlsWire(socket, ClientTls.engine(tls, target.host(), target.port(), target.tlsProtocol()),
                    false);
            t.handshake();
            wire = t;
        }
        Reply r = command("USER " + target.user());
        if (r.code() == 331) {
            r = command("PASS " + target.password());
        }
        if (r.code() != 230) {
            throw new UnexpectedReply("USER/PASS", r);
        }
    }

    /** Protocol and cipher of the control connection, or null without TLS. */
    String tlsDescription() {
        return wire instanceof TlsWire t ? t.describe() : null;
    }

    /** {@code PBSZ 0} and {@code PROT P} when the target uses TLS; nothing otherwise. */
    void protectData() throws IOException {
        if (tls != null) {
            require("PBSZ 0", 2);
            require("PROT P", 2);
            protectData = true;
        }
    }

    Reply command(String line) throws IOException {
        wire.write(ByteBuffer.wrap((line + "\r\n").getBytes(StandardCharsets.UTF_8)));
        return readReply();
    }

    /** Sends {@code line} and fails unless the reply starts with {@code firstDigit}. */
    Reply require(String line, int firstDigit) throws IOException {
        Reply r = command(line);
        if (!r.is(firstDigit)) {
            throw new UnexpectedReply(line, r);
        }
        return r;
    }

    /**
     * PASV, connect, send {@code command}, read its preliminary reply, and (with PROT P) shake hands resuming the
     * control session. The caller reads or writes, then calls {@link #finish}.
     */
    Wire openData(String command) throws IOException {
        ChannelWire data = ChannelWire.connect(passive(), target.replyTimeoutMillis(), target.watchdog(),
                target.transferTimeout());
        try {
            Reply r = command(command);
            if (!r.is(1)) {
                throw new UnexpectedReply(command, r);
            }
            if (!protectData) {
                return data;
            }
            TlsWire t = new TlsWire(data, ClientTls.engine(tls, target.host(), target.port(), target.tlsProtocol()),
                    true);
            t.handshake();
            return t;
        } catch (IOException e) {
            data.abort();
            throw e;
        }
    }

    /** PASV: where the data connection is to go (the control connection's host, the announced port). */
    private InetSocketAddress passive() throws IOException {
        Reply pasv = require("PASV", 2);
        Matcher m = PASV.matcher(pasv.text());
        if (!m.find()) {
            throw new IOException("cannot read the PASV reply: " + pasv.text());
        }
        return new InetSocketAddress(target.address(), Integer.parseInt(m.group(5)) * 256
                + Integer.parseInt(m.group(6)));
    }

    /**
     * An attack on the server's waits: PASV, then {@code command} sent without reading its replies, and the
     * data connection either never made ({@code connect} false; null is returned) or made and left silent, so
     * a protected transfer never gets its TLS handshake (the socket is returned, for the caller to close).
     */
    Socket stallData(String command, boolean connect) throws IOException {
        InetSocketAddress port = passive();
        Socket data = null;
        if (connect) {
            data = new Socket();
            data.connect(port, target.replyTimeoutMillis());
        }
        wire.write(ByteBuffer.wrap((command + "\r\n").getBytes(StandardCharsets.UTF_8)));
        return data;
    }

    /** Closes the data connection and reads the transfer's final reply, which must be 2xx. */
    Reply finish(Wire data, String command) throws IOException {
        data.close();
        Reply r = readReply();
        if (!r.is(2)) {
            throw new UnexpectedReply(command, r);
        }
        return r;
    }

    /** Runs a download or listing to its end into {@code buf} (reused, contents dropped); returns the bytes read. */
    long download(String command, ByteBuffer buf) throws IOException {
        Wire data = openData(command);
        long total = 0;
        try {
            int n;
            while ((n = data.read(buf.clear())) >= 0) {
                total += n;
            }
        } catch (IOException e) {
            data.abort();
            throw e;
        }
        finish(data, command);
        return total;
    }

    /** Sends {@code chunk} {@code times} times as one upload. */
    void upload(String command, ByteBuffer chunk, long times) throws IOException {
        Wire data = openData(command);
        try {
            for (long i = 0; i < times; i++) {
                data.write(chunk.duplicate());
            }
        } catch (IOException e) {
            data.abort();
            throw e;
        }
        finish(data, command);
    }

    /** QUIT, then close; a missing goodbye is not an error. */
    void quit() {
        try {
            command("QUIT");
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    @Override
    public void close() {
        wire.abort();
    }

    private Reply readReply() throws IOException {
        String first = readLine();
        if (first.length() < 3 || !Character.isDigit(first.charAt(0)) || !Character.isDigit(first.charAt(1))
                || !Character.isDigit(first.charAt(2))) {
            throw new IOException("not an FTP reply: " + first);
        }
        int code = Integer.parseInt(first.substring(0, 3));
        if (first.length() < 4 || first.charAt(3) != '-') {
            return new Reply(code, first);
        }
        String last = first.substring(0, 3) + " ";
        StringBuilder text = new StringBuilder(first);
        String line;
        do {
            line = readLine();
            text.append('\n').append(line);
            if (text.length() > MAX_REPLY) {
                throw new IOException("reply longer than " + MAX_REPLY + " bytes");
            }
        } while (!line.startsWith(last));
        return new Reply(code, text.toString());
    }

    private String readLine() throws IOException {
        while (true) {
            for (int i = in.position(); i < in.limit(); i++) {
                if (in.get(i) == '\n') {
                    byte[] line = new byte[i - in.position()];
                    in.get(line);
                    in.get(); // the LF
                    int len = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
                    return new String(line, 0, len, StandardCharsets.UTF_8);
                }
            }
            in.compact();
            if (!in.hasRemaining()) {
                if (in.capacity() >= MAX_REPLY) {
                    throw new IOException("reply line longer than " + MAX_REPLY + " bytes");
                }
                in.flip();
                in = ByteBuffer.allocate(in.capacity() * 4).put(in);
            }
            int n;
            try {
                n = wire.read(in);
            } finally {
                in.flip();
            }
            if (n < 0) {
                throw new EOFException("the server closed the control connection");
            }
        }
    }
}
