package ftp.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

/**
 * A miniature of the server's event loop for tests: one selector thread, TLS from the first byte on every accepted
 * connection via {@link TlsChannel}, delegated tasks on a two-thread pool. Line protocol: {@code BIG n}
 * answers n bytes of 'x' and a newline in a single write; {@code QUIT} closes with close_notify; any other line
 * is echoed. Handshakes, errors and closes are published in queues for the test thread.
 */
final class TlsEchoServer implements AutoCloseable {
    /** One accepted connection, as the tests see it once its handshake completed. */
    record Handshaken(SSLContext context, SSLSession session) {}

    final BlockingQueue<Handshaken> handshakes = new LinkedBlockingQueue<>();
    final BlockingQueue<IOException> errors = new LinkedBlockingQueue<>();
    final BlockingQueue<String> peerCloses = new LinkedBlockingQueue<>();
    final AtomicInteger tasksRun = new AtomicInteger();

    private final java.util.function.Supplier<SSLContext> contextPerConnection;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final ExecutorService workers = Executors.newFixedThreadPool(2);
    private final ConcurrentLinkedQueue<Connection> taskFinished = new ConcurrentLinkedQueue<>();
    private final Thread loop;
    private volatile boolean running = true;

    TlsEchoServer(java.util.function.Supplier<SSLContext> contextPerConnection) throws IOException {
        this.contextPerConnection = contextPerConnection;
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        loop = new Thread(this::run, "test-tls-loop");
        loop.start();
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    private final class Connection {
        final SSLContext context;
        final TlsChannel tls;
        final ByteBuffer plain = ByteBuffer.allocate(8 * 1024);
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        SelectionKey key;
        boolean announced;

        Connection(SocketChannel channel, SSLContext context) {
            this.context = context;
            SSLEngine engine = context.createSSLEngine();
            this.tls = new TlsChannel(channel, engine, task -> workers.execute(() -> {
                tasksRun.incrementAndGet();
                task.run();
            }), () -> {
                taskFinished.add(this);
                selector.wakeup();
            });
        }
    }

    private void run() {
        try {
            while (running) {
                selector.select(200);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else {
                        service((Connection) key.attachment());
                    }
                }
                selector.selectedKeys().clear();
                for (Connection c = taskFinished.poll(); c != null; c = taskFinished.poll()) {
                    service(c);
                }
            }
        } catch (IOException e) {
            errors.add(e);
        } finally {
            for (SelectionKey key : selector.keys()) {
                if (key.attachment() instanceof Connection c) {
                    c.tls.close();
                }
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel channel = server.accept();
        if (channel == null) {
            return;
        }
        channel.configureBlocking(false);
        Connection c = new Connection(channel, contextPerConnection.get());
        c.key = channel.register(selector, SelectionKey.OP_READ, c);
    }

    private void service(Connection c) {
        if (!c.key.isValid()) {
            return;
        }
        try {
            int n;
            do {
                n = c.tls.read(c.plain);
                if (c.tls.handshakeComplete() && !c.announced) {
                    c.announced = true;
                    handshakes.add(new Handshaken(c.context, c.tls.session()));
                }
                if (consumeLines(c)) {
                    return;
                }
            } while (n > 0 || c.tls.hasBufferedInput());
            if (n < 0) {
                peerCloses.add("closed");
                finish(c);
                return;
            }
            boolean flushed = c.tls.flush();
            int interest = c.tls.awaitingTask() ? 0 : SelectionKey.OP_READ;
            c.key.interestOps(interest | (flushed ? 0 : SelectionKey.OP_WRITE));
        } catch (IOException e) {
            errors.add(e);
            finish(c);
        }
    }

    /** Answers each complete line; true if the connection was closed. */
    private boolean consumeLines(Connection c) throws IOException {
        c.plain.flip();
        while (c.plain.hasRemaining()) {
            byte b = c.plain.get();
            if (b != '\n') {
                c.line.write(b);
                continue;
            }
            String text = c.line.toString(StandardCharsets.ISO_8859_1);
            c.line.reset();
            if (text.equals("QUIT")) {
                c.plain.clear();
                finish(c);
                return true;
            }
            byte[] answer;
            if (text.startsWith("BIG ")) {
                answer = new byte[Integer.parseInt(text.substring(4)) + 1];
                Arrays.fill(answer, (byte) 'x');
            } else {
                answer = new byte[text.length() + 1];
                System.arraycopy(text.getBytes(StandardCharsets.ISO_8859_1), 0, answer, 0, text.length());
            }
            answer[answer.length - 1] = '\n';
            c.tls.write(ByteBuffer.wrap(answer));
        }
        c.plain.clear();
        return false;
    }

    private void finish(Connection c) {
        c.tls.close();
        c.key.cancel();
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            loop.join(5000);
            workers.shutdownNow();
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        selector.close();
    }
}
