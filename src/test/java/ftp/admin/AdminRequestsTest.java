package ftp.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.server.ControlClient;
import ftp.server.TestServer;
import ftp.testing.Eventually;
import java.io.OutputStream;
import java.net.Socket;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The admin channel's answers from a live in-process server: sessions with what they do, and bad requests. */
class AdminRequestsTest {
    @Test
    void whoShowsEachSessionsStateAndARunningTransferWithItsRate() throws Exception {
        try (TestServer server = TestServer.start();
             ControlClient waiting = new ControlClient(server.port());
             ControlClient alice = ControlClient.loggedIn(server.port(), "alice", "secret")) {
            waiting.expect(220);
            AdminRequests requests = new AdminRequests(server.server(), ZoneOffset.UTC);
            try (Socket data = alice.openPassive()) {
                alice.send("STOR big \"quoted\" name.bin");
                alice.expect(150);
                OutputStream out = data.getOutputStream();
                out.write(new byte[300_000]);
                out.flush();
                String[] who = new String[1];
                assertThat(Eventually.holds(() -> {
                    who[0] = requests.apply("who").text();
                    return who[0].contains("iB at ");
                })).as(who[0]).isTrue();
                assertThat(who[0].lines()).hasSize(3).anyMatch(l -> l.matches(
                        "[0-9a-z]+-\\d+ +need_user +- +127\\.0\\.0\\.1 +\\S+ \\S+ +\\d+s +idle"))
                        .anyMatch(l -> l.matches("[0-9a-z]+-\\d+ +logged_in +alice +127\\.0\\.0\\.1 +\\S+ \\S+ +\\d+s +"
                                + "\"STOR big \\\\\"quoted\\\\\" name\\.bin\" "
                                + "\\d+\\.\\d\\d [KM]iB at \\d+\\.\\d\\d (?:[KM]i)?B/s"));
            }
            assertThat(alice.reply()).startsWith("226");
        }
    }

    @Test
    void badRequestsAreRefusedWithTheReason() {
        try (TestServer server = TestServer.start()) {
            AdminRequests requests = new AdminRequests(server.server(), ZoneOffset.UTC);
            assertThat(requests.apply("ban list")).isEqualTo(AdminReply.ok("no bans\n"));
            assertThat(requests.apply("ban clear")).isEqualTo(AdminReply.error("ban clear ADDRESS"));
            assertThat(requests.apply("ban clear 10.0.0.1")).isEqualTo(AdminReply.error("no ban on 10.0.0.1"));
            assertThat(requests.apply("kick\u001b[2J"))
                    .isEqualTo(AdminReply.error("unknown request: \"kick\\x1b[2J\""));
        }
    }

    @Test
    void durationsReadAtAGlance() {
        assertThat(AdminRequests.duration(java.time.Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(AdminRequests.duration(java.time.Duration.ofSeconds(299))).isEqualTo("4m59s");
        assertThat(AdminRequests.duration(java.time.Duration.ofMinutes(123))).isEqualTo("2h03m");
        assertThat(AdminRequests.duration(java.time.Duration.ofSeconds(-3))).isEqualTo("0s");
    }
}
