package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.server.FtpdCli.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator finds in {@code ftpd.log} of a server started with {@code bin/ftpd start}: the lines for
 * admin changes, sessions, bans and a start that fails.
 */
class OperatorCliTest {
    private static final Pattern STARTED = Pattern.compile("address=127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path base;

    private static String ok(Result r) {
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out();
    }

    private String log() throws IOException {
        return Files.readString(base.resolve("server/log/ftpd.log"));
    }

    private static String failLogin(int port) {
        try (ControlClient c = new ControlClient(port)) {
            c.expect(220);
            c.send("USER carol");
            c.expect(331);
            return c.command("PASS wrong");
        }
    }

    @Test
    void theLogOfARunningServer() throws Exception {
        FtpdCli ftpd = new FtpdCli(base.resolve("server"));
        ftpd.configure("listen.port=0", "tls.mode=off", "auth.pbkdf2_iterations=1000", "auth.max_failures=2",
                "passive.ports=45000-45999", "timeouts.shutdown=2s");
        ok(ftpd.run("carol-pw\n", "user", "add", "carol", "--password-stdin", "--quota", "5M"));
        assertThat(log()).contains(" INFO admin user add name=carol quota=5M by=");
        Matcher started = STARTED.matcher(ok(ftpd.run(null, "start")));
        try {
            assertThat(started.find()).isTrue();
            int port = Integer.parseInt(started.group(1));
            try (ControlClient carol = ControlClient.loggedIn(port, "carol", "carol-pw")) {
                assertThat(carol.upload("STOR notes.txt", new byte[1234])).startsWith("226");
            }

            assertThat(failLogin(port)).startsWith("530");
            assertThat(failLogin(port)).startsWith("421 Too many failed logins from your address; try again in");
            try (ControlClient refused = new ControlClient(port)) {
                assertThat(refused.reply()).startsWith("421 Too many failed logins");
            }

            ok(ftpd.run(null, "user", "quota", "carol", "7M"));
            ok(ftpd.run(null, "user", "del", "carol"));

            FtpdCli second = new FtpdCli(base.resolve("second"));
            second.configure("listen.port=" + port, "tls.mode=off", "auth.pbkdf2_iterations=1000");
            ok(second.run("dan-pw\n", "user", "add", "dan", "--password-stdin"));
            Result clash = second.run(null, "start");
            assertThat(clash.exit()).isEqualTo(1);
            assertThat(Files.readString(base.resolve("second/log/ftpd.log")))
                    .containsPattern(" SEVERE ftpd failed to start: cannot listen on 127\\.0\\.0\\.1:" + port + ": .+");

            ok(ftpd.run(null, "stop"));
            // Stopped, the server has written all it had queued.
            assertThat(log()).endsWith(" INFO ftpd stopped\n").contains(" WARNING ban from=127.0.0.1 for=300s",
                    " WARNING refused from=127.0.0.1 reason=banned",
                    " INFO admin user quota name=carol quota=7M by=", " INFO admin user del name=carol by=");
            assertThat(log()).as("the first session is carol's: start made no test connection").containsPattern(
                    " INFO connect from=127\\.0\\.0\\.1 session=[0-9a-z]+-1\n.*login ok user=carol").containsPattern(
                    " INFO end session=[0-9a-z]+-1 user=carol from=127\\.0\\.0\\.1 duration=\\d+\\.\\ds in=1234 out=0"
                    + " reason=quit");
        } finally {
            ftpd.killLeftover();
        }
    }
}
