package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The lines {@code ftpd.log} gets for what happens to connections, from real clients on real sockets: each
 * session's start and end (who, how long, bytes, why), refusals by the caps, bans, quota refusals; the
 * escaping of what clients choose; and the per-address limit on a client in a loop.
 */
class ServerLogEventsTest {
    private static final Pattern SESSION = Pattern.compile("session=([0-9a-z]+)-(\\d+)");

    private static String runOf(String line) {
        Matcher m = SESSION.matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return m.group(1);
    }

    @Test
    void theEndLineSaysWhoForHowLongWhatMovedAndThatTheClientQuit() throws Exception {
        try (LogCapture log = new LogCapture(); TestServer server = TestServer.start()) {
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                assertThat(c.upload("STOR a.bin", new byte[1000])).startsWith("226");
                assertThat(c.fetch("RETR a.bin")).hasSize(1000);
                assertThat(c.fetch("RETR a.bin")).hasSize(1000);
                assertThat(c.command("QUIT")).startsWith("221");
            }
            String end = log.awaitLine("end ");
            assertThat(end).matches("end session=[0-9a-z]+-1 user=alice from=127\\.0\\.0\\.1 duration=\\d+\\.\\ds"
                    + " in=1000 out=2000 reason=quit detail=quit");
            assertThat(log.lines()).anyMatch(l -> l.matches("connect from=127\\.0\\.0\\.1 session=[0-9a-z]+-1"));
        }
    }

    @Test
    void sessionIdsOfTwoRunsDiffer() throws Exception {
        String first;
        try (LogCapture log = new LogCapture(); TestServer server = TestServer.start()) {
            new ControlClient(server.port()).close();
            first = runOf(log.awaitLine("connect "));
        }
        try (LogCapture log = new LogCapture(); TestServer server = TestServer.start()) {
            new ControlClient(server.port()).close();
            assertThat(runOf(log.awaitLine("connect "))).isNotEqualTo(first);
        }
    }

    @Test
    void timeoutsOverLongLinesAndResetsAreToldApart() throws Exception {
        try (LogCapture log = new LogCapture();
             TestServer server = TestServer.start("timeouts.login=1s", "limits.line_length=512")) {
            try (ControlClient idle = new ControlClient(server.port())) {
                idle.expect(220);
                assertThat(idle.reply()).startsWith("421 Login timeout");
            }
            try (ControlClient talker = new ControlClient(server.port())) {
                talker.expect(220);
                assertThat(talker.command("NOOP " + "x".repeat(600))).startsWith("500");
            }
            try (Socket reset = new Socket("127.0.0.1", server.port())) {
                reset.getInputStream().read(new byte[100]); // the 220: the session exists
                reset.setSoLinger(true, 0);
            }
            List<String> ends = log.await(3, l -> l.startsWith("end "));
            assertThat(ends).hasSize(3);
            assertThat(ends).anyMatch(l -> l.endsWith(" reason=timeout detail=\"login timeout\""))
                    .anyMatch(l -> l.endsWith(" reason=kicked detail=\"command line too long\""))
                    .anyMatch(l -> l.contains(" reason=error detail=\"read failed"));
        }
    }

    private static ControlClient loggedInFrom(String localAddress, int port, String user) {
        ControlClient c = new ControlClient(port, localAddress);
        c.expect(220);
        c.send("USER " + user);
        c.expect(331);
        c.send("PASS secret");
        c.expect(230);
        return c;
    }

    @Test
    void connectionsOverTheCapsAreRefusedWithALine() throws Exception {
        try (LogCapture log = new LogCapture();
             TestServer server = TestServer.start("clients.max=2", "clients.max_per_ip=1");
             ControlClient first = loggedInFrom("127.0.0.1", server.port(), "alice")) {
            try (ControlClient second = new ControlClient(server.port())) {
                assertThat(second.reply()).startsWith("421 Too many sessions from your address");
            }
            assertThat(first.command("NOOP")).startsWith("200");
            try (ControlClient other = loggedInFrom("127.0.0.2", server.port(), "bob");
                 ControlClient third = new ControlClient(server.port(), "127.0.0.3")) {
                assertThat(third.reply()).startsWith("421 Too many users");
                assertThat(other.command("NOOP")).startsWith("200");
            }
            assertThat(log.awaitLine("refused from=127.0.0.1"))
                    .isEqualTo("refused from=127.0.0.1 reason=per_address limit=1");
            assertThat(log.awaitLine("refused from=127.0.0.3"))
                    .isEqualTo("refused from=127.0.0.3 reason=clients_max limit=2");
        }
    }

    @Test
    void aConnectionDisplacedByANewerOneNotLoggedInGetsALine() throws Exception {
        try (LogCapture log = new LogCapture();
             TestServer server = TestServer.start("clients.max_unauthenticated_per_ip=1");
             ControlClient waiting = new ControlClient(server.port())) {
            waiting.expect(220);
            try (ControlClient newer = new ControlClient(server.port())) {
                newer.expect(220);
                assertThat(waiting.reply()).startsWith("421 Too many connections waiting to log in");
            }
            assertThat(log.awaitLine("displaced ")).matches("displaced session=[0-9a-z]+-1 from=127\\.0\\.0\\.1"
                    + ": too many connections not logged in");
        }
    }

    @Test
    void aBanIsLoggedWithItsLengthAndABannedClientIsToldHowLongItLasts() throws Exception {
        try (LogCapture log = new LogCapture();
             TestServer server = TestServer.start("auth.max_failures=2", "auth.ban_time=120s")) {
            try (ControlClient c = new ControlClient(server.port())) {
                c.expect(220);
                c.send("USER alice");
                c.expect(331);
                assertThat(c.command("PASS wrong")).startsWith("530");
                c.send("USER alice");
                c.expect(331);
                assertThat(c.command("PASS wrong")).isEqualTo(
                        "421 Too many failed logins from your address; try again in 2 min.");
            }
            assertThat(log.awaitLine("ban ")).isEqualTo("ban from=127.0.0.1 for=120s");
            try (ControlClient later = new ControlClient(server.port())) {
                assertThat(later.reply())
                        .matches("421 Too many failed logins from your address; try again in (2 min|1 min \\d+ s)\\.");
            }
            assertThat(log.awaitLine("refused "))
                    .matches("refused from=127\\.0\\.0\\.1 reason=banned remaining=1\\d\\ds");
            assertThat(log.lines()).filteredOn(l -> l.startsWith("login failed")).hasSize(2);
        }
    }

    @Test
    void anUploadRefusedForQuotaIsLogged() throws Exception {
        try (LogCapture log = new LogCapture(); TestServer server = TestServer.start("quota.default=100K");
             ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            assertThat(c.upload("STOR big file.bin", new byte[500_000])).startsWith("552");
            assertThat(log.awaitLine("quota refused"))
                    .matches("quota refused user=alice from=127\\.0\\.0\\.1 path=\"/big file\\.bin\""
                            + " received=\\d+ limit=102400");
        }
    }

    @Test
    void whatAClientChoosesCannotForgeALineOrAField() throws Exception {
        String forged = "eve from=10.9.9.9 session=forged\u2028INFO login ok user=root \u202efdp.";
        try (LogCapture log = new LogCapture(); TestServer server = TestServer.start();
             ControlClient c = new ControlClient(server.port())) {
            c.expect(220);
            c.send("USER " + forged);
            c.expect(331);
            assertThat(c.command("PASS wrong")).startsWith("530");
            String failed = log.awaitLine("login failed");
            String session = failed.substring(failed.lastIndexOf('=') + 1);
            assertThat(failed).isEqualTo("login failed user=\"eve from=10.9.9.9 session=forged\\u2028INFO login ok"
                    + " user=root \\u202efdp.\" from=127.0.0.1 session=" + session);
            assertThat(session).matches("[0-9a-z]+-1");
        }
        try (LogCapture log = new LogCapture(); TestServer server = TestServer.start();
             ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            assertThat(c.command("MKD a\" user=root path=\"etc")).startsWith("257");
            assertThat(log.awaitLine("mkdir")).isEqualTo("mkdir user=alice path=\"/a\\\" user=root path=\\\"etc\"");
        }
    }

    @Test
    void aClientInAConnectLoopGetsItsFirstLinesThenOneSummary() throws Exception {
        try (LogCapture log = new LogCapture()) {
            try (TestServer server = TestServer.start("log.lines_per_address=4")) {
                for (int i = 0; i < 10; i++) {
                    try (Socket s = new Socket("127.0.0.1", server.port())) {
                        s.getInputStream().read(new byte[100]);
                        OutputStream out = s.getOutputStream();
                        out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                        s.getInputStream().readAllBytes();
                    }
                }
                log.await(4, l -> l.startsWith("connect ") || l.startsWith("end "));
            }
            List<String> perConnection = log.lines().stream()
                    .filter(l -> l.startsWith("connect ") || l.startsWith("end ")).toList();
            assertThat(perConnection).hasSize(4);
            assertThat(log.lines()).contains("lines suppressed from=127.0.0.1 count=16 window=60s");
        }
    }
}
