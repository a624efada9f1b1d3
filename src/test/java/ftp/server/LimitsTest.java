package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Session limits of issue 2: client cap (reject and queue), per-address cap, timeouts, line length, a full pool.
 * Since issue 12 both caps count logged-in sessions, so each test logs its sessions in to fill them.
 */
class LimitsTest {

    /** A new connection's first reply; retried a while, because a slot is freed just after the old socket closes. */
    private static ControlClient greeted(int port, String from) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            ControlClient c = new ControlClient(port, from);
            String r = c.reply();
            if (r != null && r.startsWith("220")) {
                return c;
            }
            c.close();
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no 220, last reply: " + r);
            }
            Thread.sleep(50);
        }
    }

    private static void login(ControlClient c, String user) {
        c.send("USER " + user);
        c.expect(331);
        c.send("PASS secret");
        c.expect(230);
    }

    private static ControlClient loggedIn(ControlClient c, String user) {
        login(c, user);
        return c;
    }

    @Test
    void pastClientsMaxANewcomerGets421AndIsClosed() throws Exception {
        try (TestServer server = TestServer.start("clients.max=2");
             ControlClient c1 = greeted(server.port(), null);
             ControlClient c2 = greeted(server.port(), null)) {
            login(c1, "alice");
            login(c2, "bob");
            try (ControlClient c3 = new ControlClient(server.port())) {
                assertThat(c3.reply()).startsWith("421").contains("limit 2");
                assertThat(c3.reply()).isNull();
            }
            assertThat(c1.command("QUIT")).startsWith("221");
            assertThat(c1.reply()).isNull();
            try (ControlClient c4 = greeted(server.port(), null)) {
                login(c4, "alice");
            }
            assertThat(c2.command("NOOP")).startsWith("200");
        }
    }

    @Test
    void theWaitingRoomTellsThePlaceAdmitsInOrderAndRefusesWhenFull() throws Exception {
        try (TestServer server = TestServer.start("clients.max=1", "clients.full_policy=queue",
                "clients.waiting_room=2", "timeouts.login=2s");
             ControlClient c1 = loggedIn(greeted(server.port(), null), "alice");
             ControlClient c2 = new ControlClient(server.port());
             ControlClient c3 = new ControlClient(server.port())) {
            assertThat(c2.reply()).startsWith("120").contains("number 1 in line");
            assertThat(c3.reply()).startsWith("120").contains("number 2 in line");
            try (ControlClient c4 = new ControlClient(server.port())) {
                assertThat(c4.reply()).startsWith("421").contains("Too many users");
                assertThat(c4.reply()).isNull();
            }
            c2.send("USER alice"); // a waiting client is not served: the line is dropped
            // Longer than timeouts.login, so a login clock started at connect would have run out by the admission.
            Thread.sleep(2500);

            long quit = System.nanoTime();
            assertThat(c1.command("QUIT")).startsWith("221");
            assertThat(c2.reply()).startsWith("220");
            assertThat(c3.reply()).startsWith("120").contains("number 1 in line");
            // c2 never logs in. Its login clock starts at the admission, which follows the QUIT, so the drop
            // comes a whole timeouts.login later, not at the first sweep after the admission.
            assertThat(c2.reply()).startsWith("421").contains("Login timeout");
            assertThat(System.nanoTime() - quit).isGreaterThan(TimeUnit.SECONDS.toNanos(2));
            assertThat(c2.reply()).isNull();

            assertThat(c3.reply()).startsWith("220");
            login(c3, "bob");
            assertThat(c3.command("PWD")).startsWith("257");
        }
    }

    @Test
    void waitingTooLongEndsWith421() throws Exception {
        try (TestServer server = TestServer.start("clients.max=1", "clients.full_policy=queue",
                "clients.waiting_timeout=1s");
             ControlClient c1 = loggedIn(greeted(server.port(), null), "alice")) {
            long connecting = System.nanoTime(); // the wait is counted from the connection, so from no earlier
            try (ControlClient c2 = new ControlClient(server.port())) {
                assertThat(c2.reply()).startsWith("120");
                assertThat(c2.reply()).startsWith("421").contains("Waited too long");
                assertThat(System.nanoTime() - connecting).isGreaterThan(TimeUnit.SECONDS.toNanos(1));
                assertThat(c2.reply()).isNull();
            }
            assertThat(c1.command("NOOP")).startsWith("200");
        }
    }

    @Test
    void clientsMaxPerIpCountsEachAddressSeparately() throws Exception {
        try (TestServer server = TestServer.start("clients.max=10", "clients.max_per_ip=2");
             ControlClient a1 = loggedIn(greeted(server.port(), "127.0.0.1"), "alice");
             ControlClient a2 = loggedIn(greeted(server.port(), "127.0.0.1"), "bob")) {
            try (ControlClient a3 = new ControlClient(server.port(), "127.0.0.1")) {
                assertThat(a3.reply()).startsWith("421").contains("from your address");
                assertThat(a3.reply()).isNull();
            }
            try (ControlClient b1 = greeted(server.port(), "127.0.0.2")) {
                login(b1, "bob");
            }
            assertThat(a1.command("QUIT")).startsWith("221");
            assertThat(a1.reply()).isNull();
            try (ControlClient a4 = greeted(server.port(), "127.0.0.1")) {
                login(a4, "alice");
            }
            assertThat(a2.command("NOOP")).startsWith("200");
        }
    }

    @Test
    void anIdleSessionGets421ThenIsClosedWhileActivityKeepsItOpen() throws Exception {
        try (TestServer server = TestServer.start("timeouts.idle=2s");
             ControlClient c = greeted(server.port(), null)) {
            login(c, "alice");
            // A command every half second, for longer than timeouts.idle in all.
            for (int i = 0; i < 6; i++) {
                Thread.sleep(500);
                assertThat(c.command("NOOP")).startsWith("200");
            }
            long lastCommand = System.nanoTime();
            assertThat(c.command("NOOP")).startsWith("200");
            assertThat(c.reply()).startsWith("421").contains("Idle timeout");
            // The idle clock restarted when the last NOOP arrived: the 421 waits a whole timeouts.idle after it.
            assertThat(System.nanoTime() - lastCommand).isGreaterThan(TimeUnit.SECONDS.toNanos(2));
            assertThat(c.reply()).isNull();
        }
    }

    @Test
    void aTransferLongerThanTheIdleTimeoutDoesNotCountAsIdleTime() throws Exception {
        try (TestServer server = TestServer.start("timeouts.idle=2s", "timeouts.shutdown=1s")) {
            Path big = Files.createDirectories(server.home("alice")).resolve("big.bin");
            try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
                f.setLength(200L << 20);
            }
            try (ControlClient c = greeted(server.port(), null)) {
                login(c, "alice");
                Socket data = c.openPassive();
                long cut;
                try {
                    assertThat(c.command("RETR big.bin")).startsWith("150");
                    Thread.sleep(2500); // the transfer runs (stuck) longer than timeouts.idle
                } finally {
                    cut = System.nanoTime();
                    data.close();
                }
                assertThat(c.reply()).as("open until the transfer ended").startsWith("426");
                // The idle clock starts when the transfer ends, after the cut: the 421 waits a whole timeouts.idle.
                // Counted from the RETR instead, it would come at the first sweep after the 426.
                assertThat(c.reply()).startsWith("421").contains("Idle timeout");
                assertThat(System.nanoTime() - cut).isGreaterThan(TimeUnit.SECONDS.toNanos(2));
            }
        }
    }

    @Test
    void aClientThatNeverLogsInIsDroppedAfterTheLoginTimeout() throws Exception {
        try (TestServer server = TestServer.start("timeouts.login=2s");
             ControlClient loggedIn = greeted(server.port(), null);
             ControlClient lurker = greeted(server.port(), null)) {
            login(loggedIn, "alice");
            assertThat(lurker.command("USER bob")).startsWith("331");
            assertThat(lurker.command("NOOP")).startsWith("200"); // activity does not extend the login time
            assertThat(lurker.reply()).startsWith("421").contains("Login timeout");
            assertThat(lurker.reply()).isNull();
            // The sweep that dropped the lurker also found loggedIn, greeted earlier, past its login deadline;
            // this PWD runs after that sweep.
            assertThat(loggedIn.command("PWD")).startsWith("257");
        }
    }

    @Test
    void aMebibyteLineWithoutNewlineGets500AndIsClosedWhileOthersAreServed() throws Exception {
        try (TestServer server = TestServer.start();
             ControlClient other = greeted(server.port(), null);
             ControlClient attacker = greeted(server.port(), null)) {
            login(other, "alice");
            byte[] line = new byte[1 << 20];
            Arrays.fill(line, (byte) 'A');
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = attacker.socket().getOutputStream();
                    out.write(line);
                    out.flush();
                } catch (IOException expected) {
                    // the server stops reading and closes long before a mebibyte
                }
            });
            writer.start();
            assertThat(attacker.reply()).startsWith("500").contains("too long");
            assertThat(attacker.reply()).isNull();
            writer.join(5000);
            assertThat(writer.isAlive()).isFalse();
            assertThat(other.command("NOOP")).startsWith("200");
            try (ControlClient fresh = greeted(server.port(), null)) {
                login(fresh, "bob");
            }
        }
    }

    @Test
    void repliesToAClientThatNeverReadsAreBufferedOnlyUpToALimit() throws Exception {
        // How much the kernel absorbs varies from machine to machine, so this drives the session's output
        // buffer directly over a real socket whose reader never reads.
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             SocketChannel reader = SocketChannel.open()) {
            reader.setOption(StandardSocketOptions.SO_RCVBUF, 8192);
            reader.connect(listener.getLocalAddress());
            SocketChannel writerSide = listener.accept();
            writerSide.configureBlocking(false);
            PlainControlIo io = new PlainControlIo(writerSide);
            long written = 0;
            try {
                while (written < (256L << 20)) {
                    io.write(ByteBuffer.wrap(new byte[16 * 1024]));
                    io.flush();
                    written += 16 * 1024;
                }
                throw new AssertionError("256 MB accepted for a client that never reads");
            } catch (IOException expected) {
                assertThat(expected).hasMessageContaining("does not read");
            } finally {
                io.close();
            }
            assertThat(written).isLessThan(64L << 20);
        }
    }

    @Test
    void transfersWaitingForTheOnlyTransferThreadNeverBlockTheLoop() throws Exception {
        // The transfer queue holds one command per logged-in client, so a waiting transfer is never refused.
        try (TestServer server = TestServer.start("workers.transfer_threads=1", "workers.queue=1",
                "timeouts.shutdown=1s")) {
            Path big = server.home("alice").resolve("big.bin");
            Files.createDirectories(big.getParent());
            try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
                f.setLength(200L << 20);
            }
            try (ControlClient downloader = greeted(server.port(), null);
                 ControlClient first = greeted(server.port(), null);
                 ControlClient second = greeted(server.port(), null);
                 ControlClient other = greeted(server.port(), null)) {
                login(downloader, "alice");
                login(first, "alice");
                login(second, "alice");
                login(other, "bob");
                Socket data = downloader.openPassive();
                Socket firstData = first.openPassive();
                Socket secondData = second.openPassive();
                try {
                    // The only transfer thread sent this 150 and is stuck writing a file nobody reads.
                    assertThat(downloader.command("RETR big.bin")).startsWith("150");
                    // STAT during a transfer: each RETR was taken and waits, not started and not refused. The
                    // second is sent only once the first is queued, so the thread frees up for them in this order.
                    first.send("RETR big.bin");
                    assertThat(first.command("STAT")).startsWith("213").contains("RETR big.bin: 0 bytes");
                    second.send("RETR big.bin");
                    assertThat(second.command("STAT")).startsWith("213").contains("RETR big.bin: 0 bytes");
                    // A loop blocked by the waiting transfers would answer only once the stuck one ends: never.
                    assertThat(other.command("MKD now-fine")).startsWith("257");
                } finally {
                    data.close();
                }
                assertThat(downloader.reply()).startsWith("426");
                assertThat(first.reply()).startsWith("150"); // its turn came once the thread was free
                firstData.close();
                assertThat(first.reply()).startsWith("426");
                assertThat(second.reply()).startsWith("150");
                secondData.close();
                assertThat(second.reply()).startsWith("426");
            }
        }
    }
}
