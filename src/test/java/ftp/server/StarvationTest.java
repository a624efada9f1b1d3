package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Sessions whose data connection never comes hold no worker: the client that sends PASV and a transfer command
 * and never connects, and the client whose PORT/EPRT names a port that never answers. The selector thread waits
 * for their data connection, so with both pools of two threads each "stalled" another user's disk commands and
 * listings still answer at once, and the stalled commands end with 425 when the data timeout expires. Likewise
 * HASH of a fresh upload whose digest is still catching up waits on the selector thread, not on a worker, and
 * so does the TLS handshake of a protected data connection that the client never starts.
 */
class StarvationTest {
    /** Far under the 30 s data timeout a worker used to wait; a loaded machine answers far sooner. */
    private static final int DEADLINE_MILLIS = 5_000;

    private static ControlClient login(int port, String user) {
        return ControlClient.loggedIn(port, user, "secret");
    }

    /** Six sessions: four send PASV+LIST, two PASV+RETR of an existing file; none connects. */
    private static List<ControlClient> stall(TestServer server) {
        server.write("alice", "file.txt", "content\n".getBytes(StandardCharsets.UTF_8));
        List<ControlClient> stalled = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ControlClient c = login(server.port(), "alice");
            stalled.add(c);
            assertThat(c.command("PASV")).startsWith("227");
            c.send(i < 4 ? "LIST" : "RETR file.txt");
        }
        return stalled;
    }

    /**
     * A listening port that completes no connect: its backlog of one is filled by connects nobody accepts, so
     * the kernel drops further SYNs and a connect to it stays in progress until its timeout. Returns the fillers.
     */
    private static List<SocketChannel> fillBacklog(ServerSocket unanswered) throws Exception {
        List<SocketChannel> fillers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.connect(unanswered.getLocalSocketAddress());
            fillers.add(ch);
        }
        // The precondition the test rests on: a further connect does not complete.
        try (Socket probe = new Socket()) {
            assertThatThrownBy(() -> probe.connect(unanswered.getLocalSocketAddress(), 1_000))
                    .isInstanceOf(SocketTimeoutException.class);
        }
        return fillers;
    }

    /** Six sessions: PORT or EPRT to {@code port}, then four LIST and two RETR of an existing file. */
    private static List<ControlClient> stallActive(TestServer server, int port) {
        server.write("alice", "file.txt", "content\n".getBytes(StandardCharsets.UTF_8));
        List<ControlClient> stalled = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ControlClient c = login(server.port(), "alice");
            stalled.add(c);
            assertThat(c.command(i % 2 == 0 ? "PORT 127,0,0,1," + (port >> 8) + "," + (port & 0xff)
                    : "EPRT |1|127.0.0.1|" + port + "|")).startsWith("200");
            c.send(i < 4 ? "LIST" : "RETR file.txt");
        }
        return stalled;
    }

    /**
     * Another user's commands answer beside the {@code stalled} sessions (the time is printed), and the waits end
     * on the client's word too: ABOR (426 for the command, then 226), QUIT (425, then 221).
     */
    private static void holdNoWorker(TestServer server, List<ControlClient> stalled, List<SocketChannel> fillers,
                                     String what) throws Exception {
        try {
            long took = otherUserAnswers(server);
            System.out.printf("StarvationTest: MKD+CWD+PWD+MKD+NLST beside %d %s: %d ms%n", stalled.size(), what,
                    took / 1_000_000);
            waitsEndOnAbortAndQuit(stalled.get(0), stalled.get(stalled.size() - 1));
        } finally {
            closeAll(stalled, fillers);
        }
    }

    private static void waitsEndOnAbortAndQuit(ControlClient aborting, ControlClient quitting) throws Exception {
        aborting.socket().setSoTimeout(DEADLINE_MILLIS);
        aborting.send("ABOR");
        assertThat(aborting.reply()).startsWith("426");
        assertThat(aborting.reply()).startsWith("226");
        assertThat(answer(aborting, "NOOP")).startsWith("200");
        quitting.socket().setSoTimeout(DEADLINE_MILLIS);
        quitting.send("QUIT");
        assertThat(quitting.reply()).startsWith("425");
        assertThat(quitting.reply()).startsWith("221");
        assertThat(quitting.reply()).isNull();
    }

    /** Closes the stalled sessions and the backlog fillers. */
    private static void closeAll(List<ControlClient> stalled, List<SocketChannel> fillers) throws Exception {
        for (ControlClient c : stalled) {
            c.close();
        }
        for (SocketChannel ch : fillers) {
            ch.close();
        }
    }

    /** MKD, CWD, PWD, MKD and a passive NLST by another user, each within the deadline; returns the total time. */
    private static long otherUserAnswers(TestServer server) throws Exception {
        long start = System.nanoTime();
        try (ControlClient other = login(server.port(), "bob")) {
            other.socket().setSoTimeout(DEADLINE_MILLIS);
            assertThat(answer(other, "MKD x")).startsWith("257");
            assertThat(answer(other, "CWD x")).startsWith("250");
            assertThat(answer(other, "PWD")).startsWith("257 \"/x\"");
            assertThat(answer(other, "MKD y")).startsWith("257");
            try (Socket data = other.openPassive()) {
                data.setSoTimeout(DEADLINE_MILLIS);
                assertThat(answer(other, "NLST")).startsWith("150");
                assertThat(new String(data.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("y\r\n");
                other.expect(226);
            }
        }
        return System.nanoTime() - start;
    }

    /** The reply, or an assertion naming the command when none comes within the deadline. */
    private static String answer(ControlClient c, String command) {
        long start = System.nanoTime();
        try {
            String r = c.command(command);
            assertThat(System.nanoTime() - start).as(command).isLessThan(DEADLINE_MILLIS * 1_000_000L);
            return r;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof SocketTimeoutException) {
                throw new AssertionError(command + " not answered within " + DEADLINE_MILLIS + " ms", e);
            }
            throw e;
        }
    }

    @Test
    void stalledPassiveTransfersHoldNoWorker() throws Exception {
        try (TestServer server = TestServer.start("workers.threads=2", "workers.transfer_threads=2")) {
            holdNoWorker(server, stall(server), List.of(), "passive waits");
        }
    }

    @Test
    void stalledActiveConnectsHoldNoWorker() throws Exception {
        try (TestServer server = TestServer.start("workers.threads=2", "workers.transfer_threads=2");
             ServerSocket unanswered = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<SocketChannel> fillers = fillBacklog(unanswered);
            holdNoWorker(server, stallActive(server, unanswered.getLocalPort()), fillers, "pending active connects");
        }
    }

    @Test
    void stalledActiveConnectsGet425AtTheDataTimeout() throws Exception {
        try (TestServer server = TestServer.start("workers.threads=2", "workers.transfer_threads=2",
                "timeouts.data=3s");
             ServerSocket unanswered = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<SocketChannel> fillers = fillBacklog(unanswered);
            List<ControlClient> stalled = stallActive(server, unanswered.getLocalPort());
            try {
                for (ControlClient c : stalled) {
                    c.socket().setSoTimeout(15_000); // the 3 s data timeout and the once-a-second sweep, loaded
                    assertThat(c.reply()).startsWith("425"); // no 150: nothing was ever connected
                    assertThat(c.command("NOOP")).startsWith("200"); // the session goes on
                }
            } finally {
                closeAll(stalled, fillers);
            }
        }
    }

    @Test
    void stalledPassiveTransfersGet425WhenTheListenerExpires() throws Exception {
        try (TestServer server = TestServer.start("workers.threads=2", "workers.transfer_threads=2",
                "timeouts.data=3s")) {
            List<ControlClient> stalled = stall(server);
            try {
                for (ControlClient c : stalled) {
                    c.socket().setSoTimeout(15_000); // the 3 s data timeout and the once-a-second sweep, loaded
                    String r = c.reply();
                    if (r != null && r.startsWith("150")) {
                        r = c.reply();
                    }
                    assertThat(r).matches("42[56] .*");
                    assertThat(c.command("NOOP")).startsWith("200"); // the session goes on
                }
                // Connecting after the expiry reaches nothing that serves a transfer; a fresh PASV works.
                ControlClient c = stalled.get(0);
                try (Socket data = c.openPassive()) {
                    assertThat(c.command("NLST")).startsWith("150");
                    assertThat(new String(data.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                            .isEqualTo("file.txt\r\n");
                    c.expect(226);
                }
            } finally {
                closeAll(stalled, List.of());
            }
        }
    }

    /**
     * Sessions under PROT P whose client connects the data socket for RETR, gets its 150 and never starts the TLS
     * handshake: the loop waits for the handshake, not a transfer worker, so with two of each another user's
     * MKD, CWD, and protected NLST and RETR (real handshakes) answer at once, and the stalled ones end with 425
     * at the data timeout.
     */
    @Test
    void stalledDataTlsHandshakesHoldNoWorker() throws Exception {
        try (TestServer server = TestServer.start("tls.mode=optional", "workers.threads=2",
                "workers.transfer_threads=2", "timeouts.data=2s")) {
            server.write("alice", "file.txt", "content\n".getBytes(StandardCharsets.UTF_8));
            server.write("bob", "mine.txt", "bob's\n".getBytes(StandardCharsets.UTF_8));
            List<ControlClient> stalled = new ArrayList<>();
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    ControlClient c = ControlClient.loggedInTls(server.port(), "alice", "secret");
                    stalled.add(c);
                    silent.add(c.openPassive());
                    assertThat(c.command("RETR file.txt")).startsWith("150");
                }
                try (ControlClient other = ControlClient.loggedInTls(server.port(), "bob", "secret")) {
                    other.socket().setSoTimeout(DEADLINE_MILLIS);
                    for (int round = 0; round < 3; round++) {
                        long started = System.nanoTime();
                        assertThat(answer(other, "MKD t" + round)).startsWith("257");
                        assertThat(answer(other, "CWD t" + round)).startsWith("250");
                        assertThat(other.fetchProtected("NLST")).isEmpty();
                        assertThat(answer(other, "CWD ..")).startsWith("250");
                        assertThat(other.fetchProtected("RETR mine.txt")).asString().isEqualTo("bob's\n");
                        assertThat(System.nanoTime() - started).as("round " + round)
                                .isLessThan(DEADLINE_MILLIS * 1_000_000L);
                    }
                }
                for (ControlClient c : stalled) {
                    c.socket().setSoTimeout(15_000); // the 2 s data timeout and the once-a-second sweep, loaded
                    assertThat(c.reply()).startsWith("425");
                    assertThat(c.command("NOOP")).startsWith("200"); // the session goes on
                }
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
                closeAll(stalled, List.of());
            }
        }
    }

    /** Sessions that each upload {@link #BIG_UPLOAD} bytes and send HASH on it at once, with two busy CPU loops. */
    private static final int HASHING_SESSIONS = 4;
    /** Past the 32 MiB a fast upload may get ahead of its digest, so each HASH finds one still catching up. */
    private static final int BIG_UPLOAD = 96 << 20;

    @Test
    void hashOnUploadsStillBeingDigestedHoldsNoWorker() throws Exception {
        byte[] content = new byte[BIG_UPLOAD];
        new Random(13).nextBytes(content);
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
        AtomicBoolean spinning = new AtomicBoolean(true);
        ExecutorService load = Executors.newFixedThreadPool(2 + HASHING_SESSIONS);
        List<ControlClient> hashing = new ArrayList<>();
        try (TestServer server = TestServer.start("workers.threads=2", "workers.transfer_threads=4")) {
            server.setQuota("alice", 1L << 40);
            for (int i = 0; i < 2; i++) {
                load.submit(() -> {
                    long n = 0;
                    while (spinning.get()) {
                        n++;
                    }
                    return n;
                });
            }
            List<Future<String>> hashes = new ArrayList<>();
            for (int i = 0; i < HASHING_SESSIONS; i++) {
                ControlClient c = login(server.port(), "alice");
                c.socket().setSoTimeout(300_000); // the digests finish under two busy loops on a loaded machine
                hashing.add(c);
                String name = "big" + i + ".bin";
                hashes.add(load.submit(() -> {
                    assertThat(c.upload("STOR " + name, content)).startsWith("226");
                    return c.command("HASH " + name);
                }));
            }
            // Another user's disk commands answer all the while the uploads and their HASHes run.
            long slowest = 0;
            int rounds = 0;
            try (ControlClient other = login(server.port(), "bob")) {
                other.socket().setSoTimeout(DEADLINE_MILLIS);
                do {
                    long started = System.nanoTime();
                    assertThat(answer(other, "MKD h")).startsWith("257");
                    assertThat(answer(other, "CWD h")).startsWith("250");
                    try (Socket data = other.openPassive()) {
                        data.setSoTimeout(DEADLINE_MILLIS);
                        assertThat(answer(other, "NLST")).startsWith("150");
                        assertThat(data.getInputStream().readAllBytes()).isEmpty();
                        other.expect(226);
                    }
                    assertThat(answer(other, "CWD ..")).startsWith("250");
                    assertThat(answer(other, "RMD h")).startsWith("250");
                    slowest = Math.max(slowest, System.nanoTime() - started);
                    rounds++;
                } while (!hashes.stream().allMatch(Future::isDone));
            }
            System.out.printf("MKD+CWD+NLST+CWD ..+RMD beside %d uploads and HASHes: %d rounds, slowest %d ms%n",
                    HASHING_SESSIONS, rounds, TimeUnit.NANOSECONDS.toMillis(slowest));
            assertThat(slowest).isLessThan(DEADLINE_MILLIS * 1_000_000L);
            for (int i = 0; i < HASHING_SESSIONS; i++) {
                assertThat(hashes.get(i).get(5, TimeUnit.MINUTES))
                        .isEqualTo("213 MD5 0-" + BIG_UPLOAD + " " + md5 + " /big" + i + ".bin");
            }
        } finally {
            spinning.set(false);
            load.shutdownNow();
            for (ControlClient c : hashing) {
                c.close();
            }
        }
    }
}
