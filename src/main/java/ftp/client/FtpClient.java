package ftp.client;

import ftp.tls.TlsStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * The protocol client for one server connection: login, the commands the shell needs, and passive data transfers
 * (EPSV, falling back to PASV), in TLS when the control connection is ({@code PROT P}). Each method sends its
 * commands and reads their replies; a refusal is a {@link FtpReplyException} carrying the server's words, anything
 * else thrown means the connection is no longer usable ({@link #isUsable}), except a
 * {@link TransferAbortedException}: the user stopped a transfer ({@link #abortTransfer}, the one method another
 * thread may call), the server was told with ABOR and the session goes on. Main thread.
 */
final class FtpClient implements AutoCloseable {
    private static final int BUFFER = 256 * 1024;
    /** Replies read at most after an ABOR while waiting for the NOOP that marks the end of its answers. */
    private static final int REPLIES_AFTER_ABORT = 8;

    private final ControlChannel control;
    private final ClientTls tls;
    private final Duration timeout;
    private final Map<String, String> features = new HashMap<>();
    private boolean protectData;
    private boolean epsvRefused;
    private boolean hashMd5;
    private boolean xmd5Refused;
    private boolean avblRefused;
    private boolean usable = true;
    private String home = "/";
    private long lastReply = System.nanoTime();
    /** Set by {@link #abortTransfer} (another thread); the copy loop stops at its next chunk. */
    private volatile boolean abortRequested;
    /** The data connection of the running transfer, for a second {@link #abortTransfer} to cut at once. */
    private volatile Socket activeData;
    /** The server took the size of the next upload (ALLO), so it keeps a shorter one as unfinished. */
    private boolean announced;

    /** {@code tls} null for a plaintext session. */
    FtpClient(ControlChannel control, ClientTls tls, Duration timeout) {
        this.control = control;
        this.tls = tls;
        this.timeout = timeout;
    }

    boolean isUsable() {
        return usable;
    }

    /** How long since the server last answered: a long-idle connection may have been closed by the server. */
    Duration idle() {
        return Duration.ofNanos(System.nanoTime() - lastReply);
    }

    void noop() throws IOException {
        ok(call("NOOP"), 2);
    }

    /** Reads the greeting ({@code 120} means wait for the {@code 220}). */
    void greeting() throws IOException {
        Reply reply = read();
        while (reply.code() == 120) {
            reply = read();
        }
        ok(reply, 2);
    }

    /** {@code AUTH TLS} and the handshake; afterwards everything on the control connection is encrypted. */
    void startTls() throws IOException {
        ok(call("AUTH TLS"), 2);
        try {
            control.secure(tls);
        } catch (IOException e) {
            usable = false;
            throw e;
        }
    }

    void login(String user, char[] password) throws IOException {
        Reply reply = call("USER " + user);
        if (reply.code() == 331 || reply.code() == 332) {
            reply = call("PASS " + new String(password));
        }
        ok(reply, 2);
    }

    /**
     * After login: data protection when on TLS, the features (FEAT), UTF-8 names, MD5 for HASH, binary type, and
     * the working directory, which is the user's home.
     */
    void prepare() throws IOException {
        if (tls != null) {
            ok(call("PBSZ 0"), 2);
            ok(call("PROT P"), 2);
            protectData = true;
        }
        Reply feat = call("FEAT");
        if (feat.isCompletion()) {
            for (String line : feat.body()) {
                String f = line.trim();
                if (!f.isEmpty()) {
                    String[] parts = f.split(" ", 2);
                    features.put(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : "");
                }
            }
        }
        if (supports("UTF8")) {
            call("OPTS UTF8 ON");
        }
        if (supports("HASH") && features.get("HASH").toUpperCase(Locale.ROOT).contains("MD5")) {
            hashMd5 = call("OPTS HASH MD5").isCompletion();
        }
        ok(call("TYPE I"), 2);
        home = pwd();
    }

    /** The directory the server put us in at login. */
    String home() {
        return home;
    }

    boolean supports(String feature) {
        return features.containsKey(feature);
    }

    String pwd() throws IOException {
        Reply reply = ok(call("PWD"), 2);
        return ReplyText.quotedPath(reply);
    }

    void cwd(String path) throws IOException {
        ok(call("CWD " + path), 2);
    }

    void mkd(String path) throws IOException {
        ok(call("MKD " + path), 2);
    }

    void rmd(String path) throws IOException {
        ok(call("RMD " + path), 2);
    }

    void dele(String path) throws IOException {
        ok(call("DELE " + path), 2);
    }

    void rename(String from, String to) throws IOException {
        ok(call("RNFR " + from), 3);
        ok(call("RNTO " + to), 2);
    }

    long size(String path) throws IOException {
        Reply reply = ok(call("SIZE " + path), 2);
        try {
            return Long.parseLong(reply.text().trim());
        } catch (NumberFormatException e) {
            throw new ProtocolException("not a size: " + reply);
        }
    }

    /** The modification time as the server writes it ({@code YYYYMMDDHHMMSS}); empty when it cannot say. */
    Optional<String> mdtm(String path) throws IOException {
        Reply reply = call("MDTM " + path);
        return reply.code() == 213 ? Optional.of(reply.text().trim()) : Optional.empty();
    }

    /** The MD5 of the whole remote file (HASH, else XMD5); empty when the server offers neither. */
    Optional<String> md5(String path) throws IOException {
        if (hashMd5) {
            return Optional.of(ReplyText.hashDigest(ok(call("HASH " + path), 2)));
        }
        if (!xmd5Refused) {
            Reply reply = call("XMD5 " + path);
            if (reply.isCompletion()) {
                return Optional.of(ReplyText.xmd5Digest(reply));
            }
            if (isUnknownCommand(reply)) {
                xmd5Refused = true;
            } else {
                throw new FtpReplyException(reply);
            }
        }
        return Optional.empty();
    }

    /** The MD5 of the first {@code length} bytes ({@code RANG 0 length} + HASH); empty when not offered. */
    Optional<String> md5Prefix(String path, long length) throws IOException {
        if (!hashMd5 || !supports("RANG")) {
            return Optional.empty();
        }
        Reply range = call("RANG 0 " + length);
        if (!range.isIntermediate() && !range.isCompletion()) {
            return Optional.empty();
        }
        return Optional.of(ReplyText.hashDigest(ok(call("HASH " + path), 2)));
    }

    /** Bytes the user may still store ({@code AVBL}); empty when the server does not say. */
    OptionalLong available(String path) throws IOException {
        if (avblRefused) {
            return OptionalLong.empty();
        }
        Reply reply = call(path.isEmpty() ? "AVBL" : "AVBL " + path);
        if (reply.code() == 213) {
            try {
                return OptionalLong.of(Long.parseLong(reply.text().split(" ")[0]));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        avblRefused = isUnknownCommand(reply);
        return OptionalLong.empty();
    }

    /** Announces an upload's size; a server that cannot fit it refuses ({@code 552}). */
    void allocate(long bytes) throws IOException {
        Reply reply = call("ALLO " + bytes);
        if (!reply.isCompletion() && !isUnknownCommand(reply)) {
            throw new FtpReplyException(reply);
        }
        announced = reply.isCompletion();
    }

    QuotaReport quota() throws IOException {
        Reply reply = ok(call("SITE QUOTA"), 2);
        try {
            return QuotaReport.parse(reply);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(e.getMessage());
        }
    }

    List<UnfinishedUpload> unfinishedUploads() throws IOException {
        return UnfinishedUpload.parse(ok(call("SITE UPLOADS"), 2));
    }

    /**
     * The files and folders in {@code path} ({@code MLSD}); empty when the server has no machine listings
     * ({@link #supports} {@code MLST} is false).
     */
    Optional<List<RemoteEntry>> entries(String path) throws IOException {
        if (!supports("MLST")) {
            return Optional.empty();
        }
        List<RemoteEntry> entries = new ArrayList<>();
        try (ListingLines lines = new ListingLines(line -> RemoteEntry.parse(line).ifPresent(entries::add))) {
            transfer("MLSD " + path, 0, false, socket -> copy(socket.in(), lines, 0, b -> { }));
        }
        return Optional.of(entries);
    }

    /**
     * From any thread (the keyboard's Ctrl-C): stops the transfer in progress, which then throws
     * {@link TransferAbortedException}. The copy stops at its next chunk; a second call also cuts the data
     * connection, for a server that stopped sending. {@link #allowTransfers} clears it.
     */
    void abortTransfer() {
        if (abortRequested) {
            Socket data = activeData;
            if (data != null) {
                try {
                    data.close();
                } catch (IOException e) {
                    // Closed already: the transfer stops either way.
                }
            }
        }
        abortRequested = true;
    }

    /** Forgets an earlier {@link #abortTransfer}: called before each command that may be interrupted. */
    void allowTransfers() {
        abortRequested = false;
    }

    /** {@code LIST}: the server's listing text into {@code sink}. */
    void list(String path, OutputStream sink) throws IOException {
        transfer(path.isEmpty() ? "LIST" : "LIST " + path, 0, false, socket -> copy(socket.in(), sink, 0, b -> { }));
    }

    /** {@code REST offset} when not 0, then {@code RETR}; returns the bytes received. */
    long retrieve(String path, long offset, OutputStream sink, LongConsumer progress) throws IOException {
        long[] got = new long[1];
        transfer("RETR " + path, offset, false, socket -> got[0] = copy(socket.in(), sink, 0, progress));
        return got[0];
    }

    /** {@code REST offset} when not 0, then {@code STOR}; returns the bytes sent. */
    long store(String path, long offset, InputStream source, LongConsumer progress) throws IOException {
        long[] sent = new long[1];
        transfer("STOR " + path, offset, true, socket -> sent[0] = copy(source, socket.out(), 1, progress));
        return sent[0];
    }

    /** Says goodbye if the connection still works, and closes it. */
    @Override
    public void close() {
        try {
            if (usable) {
                control.timeout(Duration.ofSeconds(2));
                call("QUIT");
            }
        } catch (IOException e) {
            // Leaving anyway.
        }
        try {
            control.close();
        } catch (IOException e) {
            // Nothing more to do with a closed socket.
        }
        usable = false;
    }

    /** The two ends of an open data connection. */
    private record DataStreams(InputStream in, OutputStream out) {}

    private interface DataWork {
        void run(DataStreams data) throws IOException;
    }

    /** An I/O failure of the local side of a transfer, kept apart from the network's. */
    private static final class LocalFailure extends IOException {
        private static final long serialVersionUID = 1L;

        LocalFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * Opens a passive data connection, sends the command, runs {@code work} over the (maybe TLS) data streams,
     * closes the data connection and reads the final reply. When the data connection fails, the server's final
     * reply, if negative, says why better than the socket error does. {@code sending}: the data goes to the
     * server.
     */
    private void transfer(String command, long restartAt, boolean sending, DataWork work) throws IOException {
        try {
            transferOnce(command, restartAt, sending, work);
        } finally {
            announced = false;
            abortRequested = false; // a Ctrl-C stops one transfer (or the one about to start), never a later one
        }
    }

    private void transferOnce(String command, long restartAt, boolean sending, DataWork work) throws IOException {
        Socket socket = openPassive();
        Reply started;
        try {
            if (restartAt > 0) {
                ok(call("REST " + restartAt), 3);
            }
            started = call(command);
            if (!started.isPreliminary() && !started.isCompletion()) {
                throw new FtpReplyException(started);
            }
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        IOException failure = null;
        activeData = socket;
        try {
            if (protectData) {
                try (TlsStream secure = TlsStream.client(socket, tls.dataEngine())) {
                    secure.startHandshake();
                    runTold(work, new DataStreams(secure.getInputStream(), secure.getOutputStream()), sending);
                }
            } else {
                try (socket) {
                    runTold(work, new DataStreams(socket.getInputStream(), socket.getOutputStream()), sending);
                }
            }
        } catch (IOException e) {
            failure = e;
            socket.close();
        } finally {
            activeData = null;
        }
        if (abortRequested && failure != null) {
            if (!(failure instanceof TransferAbortedException)) {
                send("ABOR"); // the data connection was cut before the server was told
            }
            settleAfterAbort();
            throw new TransferAbortedException();
        }
        if (started.isPreliminary()) {
            Reply done;
            try {
                done = read();
            } catch (IOException e) {
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                throw e;
            }
            if (!done.isCompletion() && !(failure instanceof LocalFailure)) {
                throw new FtpReplyException(done);
            }
        }
        if (failure instanceof LocalFailure) {
            throw (IOException) failure.getCause();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Runs the transfer's work. When the user stops it, the server must not take the end of the data for the end
     * of the file: an upload whose size the server took (ALLO) just ends early, cleanly, and the server keeps it as
     * unfinished (and, under TLS, sends the ticket the next data connection resumes with, which an ABOR's reset
     * would lose); anything else is stopped with ABOR before the data connection closes.
     */
    private void runTold(DataWork work, DataStreams streams, boolean sending) throws IOException {
        try {
            if (abortRequested) {
                throw new TransferAbortedException();
            }
            work.run(streams);
        } catch (TransferAbortedException e) {
            if (!(sending && announced)) {
                send("ABOR");
            }
            throw e;
        }
    }

    /**
     * After ABOR a server answers the transfer (226 or 426) and then the ABOR (225 or 226), or sometimes only one
     * of them: a NOOP after it marks where the answers end, so the next command reads its own reply.
     */
    private void settleAfterAbort() throws IOException {
        send("NOOP");
        for (int i = 0; i < REPLIES_AFTER_ABORT; i++) {
            if (read().code() == 200) {
                return;
            }
        }
        usable = false;
        throw new ProtocolException("no end to the replies after ABOR");
    }

    private Socket openPassive() throws IOException {
        int port;
        if (!epsvRefused) {
            Reply reply = call("EPSV");
            if (reply.code() == 229) {
                port = ReplyText.epsvPort(reply);
                return connectData(port);
            }
            if (!isUnknownCommand(reply) && reply.code() != 501 && reply.code() != 522) {
                throw new FtpReplyException(reply);
            }
            epsvRefused = true;
        }
        port = ReplyText.pasvPort(ok(call("PASV"), 2));
        return connectData(port);
    }

    private Socket connectData(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReceiveBufferSize(BUFFER);
            socket.setSendBufferSize(BUFFER);
            socket.connect(new InetSocketAddress(control.peer(), port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Copies until the end of {@code in}, reporting the running total, or until the user stops the transfer.
     * {@code localSide} 0: the sink is local, 1: the source is; a failure on that side becomes a
     * {@link LocalFailure}.
     */
    private long copy(InputStream in, OutputStream out, int localSide, LongConsumer progress) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        while (true) {
            if (abortRequested) {
                throw new TransferAbortedException();
            }
            int n;
            try {
                n = in.read(buffer);
            } catch (IOException e) {
                throw localSide == 1 ? new LocalFailure(e) : e;
            }
            if (n < 0) {
                break;
            }
            try {
                out.write(buffer, 0, n);
            } catch (IOException e) {
                throw localSide == 0 ? new LocalFailure(e) : e;
            }
            total += n;
            progress.accept(total);
        }
        try {
            out.flush();
        } catch (IOException e) {
            throw localSide == 0 ? new LocalFailure(e) : e;
        }
        return total;
    }

    private Reply call(String line) throws IOException {
        send(line);
        return read();
    }

    private void send(String line) throws IOException {
        try {
            control.send(line);
        } catch (IOException e) {
            usable = false;
            throw e;
        }
    }

    /** The next reply; {@code 421} (the server is closing the connection, e.g. after an idle timeout) ends it. */
    private Reply read() throws IOException {
        Reply reply;
        try {
            reply = control.read();
        } catch (IOException e) {
            usable = false;
            throw e;
        }
        lastReply = System.nanoTime();
        if (reply.code() == 421) {
            usable = false;
            control.close();
            throw new ServerClosedException(reply);
        }
        return reply;
    }

    private static Reply ok(Reply reply, int expectedClass) throws FtpReplyException {
        if (reply.code() / 100 != expectedClass) {
            throw new FtpReplyException(reply);
        }
        return reply;
    }

    private static boolean isUnknownCommand(Reply reply) {
        return reply.code() == 500 || reply.code() == 502 || reply.code() == 504;
    }
}
