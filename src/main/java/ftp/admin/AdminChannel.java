package ftp.admin;

import ftp.server.ServerContext;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.logging.Level;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The running server's admin channel: a Unix-domain socket ({@code run/ftpd.sock}, mode {@code rw-------})
 * where {@code bin/ftpd who} and {@code ban} send one request line and read the answer until the server
 * closes. Only the server's own user (and root) may ask: the socket's mode keeps others out and the peer's
 * credentials are checked as well. The main thread, which has nothing else to do once the server runs, serves
 * one request at a time ({@link #serve}), each with a deadline, and never touches the selector loop: it asks the
 * loop for a snapshot and waits for it itself. Closed by the shutdown hook.
 */
final class AdminChannel implements AutoCloseable {
    static final String FILE_NAME = "ftpd.sock";
    private static final int MAX_REQUEST = 1024;
    private static final long DEADLINE_NANOS = 10_000_000_000L;

    private final Path path;
    private final ServerSocketChannel listener;
    private final UserPrincipal owner;
    private final Function<String, AdminReply> requests;

    private AdminChannel(Path path, ServerSocketChannel listener, Function<String, AdminReply> requests)
            throws IOException {
        this.path = path;
        this.listener = listener;
        this.owner = Files.getOwner(path);
        this.requests = requests;
    }

    /** Listens at {@code path}, replacing a socket file a crashed server left behind. */
    static AdminChannel open(Path path, Function<String, AdminReply> requests) throws IOException {
        Files.createDirectories(path.getParent());
        Files.deleteIfExists(path);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            listener.bind(UnixDomainSocketAddress.of(path), 8);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            return new AdminChannel(path, listener, requests);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw new IOException("cannot open the admin channel " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Answers requests on the calling thread until {@code stop} holds or the channel closes, and runs {@code tick}
     * at once and then about every {@code period} in between.
     */
    void serve(Duration period, Runnable tick, BooleanSupplier stop) {
        try (Selector accepting = Selector.open(); Selector answering = Selector.open()) {
            listener.configureBlocking(false);
            listener.register(accepting, SelectionKey.OP_ACCEPT);
            long next = System.nanoTime();
            while (listener.isOpen() && !stop.getAsBoolean()) {
                if (System.nanoTime() - next >= 0) {
                    tick.run();
                    next = System.nanoTime() + period.toNanos();
                }
                accepting.select(Math.max(1, (next - System.nanoTime()) / 1_000_000));
                accepting.selectedKeys().clear();
                SocketChannel client;
                while ((client = listener.accept()) != null) {
                    try (SocketChannel c = client) {
                        answer(c, answering);
                    } catch (IOException e) {
                        ServerContext.LOG.log(Level.FINE, "admin request failed", e);
                    }
                }
            }
        } catch (IOException e) {
            if (listener.isOpen()) {
                ServerContext.LOG.log(Level.WARNING, "admin channel stopped", e);
            }
        }
    }

    private void answer(SocketChannel client, Selector selector) throws IOException {
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        client.configureBlocking(false);
        SelectionKey key = client.register(selector, SelectionKey.OP_READ);
        try {
            AdminReply reply;
            UnixDomainPrincipal peer = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!peer.user().equals(owner) && !peer.user().getName().equals("root")) {
                reply = AdminReply.error("only " + owner.getName() + " may use the admin channel");
            } else {
                String request = readLine(client, selector, deadline);
                reply = request == null ? AdminReply.error("the request must be one line of at most "
                        + MAX_REQUEST + " bytes") : requests.apply(request);
            }
            key.interestOps(SelectionKey.OP_WRITE);
            write(client, selector, ByteBuffer.wrap(reply.render().getBytes(StandardCharsets.UTF_8)), deadline);
        } finally {
            key.cancel();
            selector.selectNow(); // deregisters the channel before it closes
        }
    }

    /** The request line, or null when it is too long or does not come before the deadline. */
    private static String readLine(SocketChannel client, Selector selector, long deadline) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
        while (in.hasRemaining() && waitReady(selector, deadline)) {
            if (client.read(in) < 0) {
                break;
            }
            for (int i = 0; i < in.position(); i++) {
                if (in.get(i) == '\n') {
                    return new String(in.array(), 0, i, StandardCharsets.UTF_8).strip();
                }
            }
        }
        return null;
    }

    private static void write(SocketChannel client, Selector selector, ByteBuffer out, long deadline)
            throws IOException {
        while (out.hasRemaining() && waitReady(selector, deadline)) {
            client.write(out);
        }
    }

    private static boolean waitReady(Selector selector, long deadline) throws IOException {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            return false;
        }
        selector.select(left);
        selector.selectedKeys().clear();
        return true;
    }

    /** Stops answering and removes the socket file. */
    @Override
    public void close() {
        try {
            listener.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            ServerContext.LOG.log(Level.WARNING, "cannot remove " + path, e);
        }
    }
}
