package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.server.FtpdCli.Result;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator runs against a server started with {@code bin/ftpd start}: {@code who}, {@code ban list}
 * and {@code ban clear}, the metrics endpoint, and the lines {@code ftpd.log} gets for admin changes,
 * sessions, bans and a start that fails.
 */
class OperatorCliTest {
    private static final Pattern STARTED = Pattern.compile("address=127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern METRICS = Pattern.compile("metrics (http://127\\.0\\.0\\.1:\\d+/metrics)");
    private static final List<String> METRIC_NAMES = List.of("ftpd_sessions", "ftpd_connections_total",
            "ftpd_connections_refused_total", "ftpd_logins_total", "ftpd_bans_total", "ftpd_banned_addresses",
            "ftpd_transfer_bytes_total", "ftpd_transfers_total", "ftpd_quota_refusals_total",
            "ftpd_quota_ledger_locks_total", "ftpd_pool_threads",
            "ftpd_pool_busy_threads", "ftpd_pool_queued_tasks", "ftpd_pool_rejected_total",
            "ftpd_loop_iteration_seconds", "ftpd_loop_iteration_max_seconds", "ftpd_log_dropped_records_total");

    @TempDir
    Path base;

    private static String ok(Result r) {
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out();
    }

    private String log() throws IOException {
        return Files.readString(base.resolve("server/log/ftpd.log"));
    }

    private static String scrape(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return r.body();
    }

    private static long value(String page, String sample) {
        return page.lines().filter(l -> l.startsWith(sample + " ")).map(l -> l.substring(sample.length() + 1))
                .mapToLong(v -> (long) Double.parseDouble(v)).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + sample + " in\n" + page));
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
    void whoBansMetricsAndTheLogOfARunningServer() throws Exception {
        FtpdCli ftpd = new FtpdCli(base.resolve("server"));
        ftpd.configure("listen.port=0", "tls.mode=off", "auth.pbkdf2_iterations=1000", "auth.max_failures=2",
                "passive.ports=45000-45999", "timeouts.shutdown=2s", "metrics.listen=127.0.0.1:0");
        ok(ftpd.run("carol-pw\n", "user", "add", "carol", "--password-stdin", "--quota", "5M"));
        assertThat(log()).contains(" INFO admin user add name=carol quota=5M by=");
        Matcher started = STARTED.matcher(ok(ftpd.run(null, "start")));
        try {
            assertThat(started.find()).isTrue();
            int port = Integer.parseInt(started.group(1));
            Matcher metrics = METRICS.matcher(ok(ftpd.run(null, "status")));
            assertThat(metrics.find()).isTrue();
            String url = metrics.group(1);
            Path socket = base.resolve("server/run/ftpd.sock");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");

            assertThat(ok(ftpd.run(null, "who"))).isEqualTo("no sessions");
            try (ControlClient carol = ControlClient.loggedIn(port, "carol", "carol-pw")) {
                assertThat(carol.upload("STOR notes.txt", new byte[1234])).startsWith("226");
                List<String> who = ok(ftpd.run(null, "who")).lines().toList();
                assertThat(who.get(0)).matches("SESSION +STATE +USER +FROM +SINCE +IDLE +DOING");
                assertThat(who.get(1)).matches("[0-9a-z]+-1 +logged_in +carol +127\\.0\\.0\\.1 +"
                        + "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +\\d+s +idle");
                String page = scrape(url);
                for (String name : METRIC_NAMES) {
                    assertThat(page).contains("# TYPE " + name + " ");
                }
                assertThat(value(page, "ftpd_sessions{state=\"logged_in\"}")).isEqualTo(1);
                assertThat(value(page, "ftpd_logins_total{result=\"ok\"}")).isEqualTo(1);
                assertThat(value(page, "ftpd_transfer_bytes_total{direction=\"in\"}")).isEqualTo(1234);
                assertThat(value(page, "ftpd_transfers_total{direction=\"in\",result=\"complete\"}")).isEqualTo(1);
                assertThat(value(page, "ftpd_loop_iteration_seconds_count")).isPositive();
                assertThat(value(page, "ftpd_quota_ledger_locks_total"))
                        .as("the login measured carol's home, and the upload took a lease, under the ledger's lock")
                        .isPositive();
            }

            assertThat(failLogin(port)).startsWith("530");
            assertThat(failLogin(port)).startsWith("421 Too many failed logins from your address; try again in");
            assertThat(ok(ftpd.run(null, "ban", "list")).lines().toList()).hasSize(2).last().asString()
                    .matches("127\\.0\\.0\\.1 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +\\d+m\\d\\ds +2");
            try (ControlClient refused = new ControlClient(port)) {
                assertThat(refused.reply()).startsWith("421 Too many failed logins");
            }
            String page = scrape(url);
            assertThat(value(page, "ftpd_bans_total")).isEqualTo(1);
            assertThat(value(page, "ftpd_banned_addresses")).isEqualTo(1);
            assertThat(value(page, "ftpd_logins_total{result=\"failed\"}")).isEqualTo(2);
            assertThat(value(page, "ftpd_connections_refused_total{reason=\"banned\"}")).isEqualTo(1);

            assertThat(ok(ftpd.run(null, "ban", "clear", "127.0.0.1"))).isEqualTo("ban on 127.0.0.1 lifted");
            try (ControlClient again = ControlClient.loggedIn(port, "carol", "carol-pw")) {
                assertThat(again.command("NOOP")).startsWith("200");
            }
            Result twice = ftpd.run(null, "ban", "clear", "127.0.0.1");
            assertThat(twice.exit()).isEqualTo(1);
            assertThat(twice.err()).isEqualTo("ftpd: no ban on 127.0.0.1");
            Result name = ftpd.run(null, "ban", "clear", "example.org");
            assertThat(name.exit()).isEqualTo(1);
            assertThat(name.err()).isEqualTo("ftpd: not an IP address: example.org");

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
            assertThat(socket).doesNotExist();
            Result who = ftpd.run(null, "who");
            assertThat(who.exit()).isEqualTo(3);
            assertThat(who.err()).startsWith("ftpd: not running");
            // Stopped, the server has written all it had queued.
            assertThat(log()).endsWith(" INFO ftpd stopped\n").contains(" WARNING ban from=127.0.0.1 for=300s",
                    " WARNING refused from=127.0.0.1 reason=banned", " WARNING ban cleared from=127.0.0.1 by=admin",
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
