package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients sending 40 MB more than the quota leaves (issue 12, item 1b), plain and over TLS: each must hear the
 * 552 and see the data connection end cleanly, so none retries and none desynchronises. The server answers first,
 * then reads and drops what is still coming (bounded) before closing, where it used to close with unread bytes, a
 * reset that reached the clients before the reply: curl said {@code (55) Send failure}, lftp uploaded again and
 * again, ftplib raised on the data socket and read the stale 552 as the reply to its next command. Each test then
 * checks that the next command on the same control connection gets its own reply. Needs curl, lftp and python3
 * (CI installs them); a missing tool fails the test.
 */
class AttackOverQuotaClientsTest {
    private static final int QUOTA = 10 << 20;

    /** ftplib, plain or TLS (TlsInteropTest's session-resuming FTP_TLS); prints what happens. */
    private static final String FTPLIB = TlsInteropTest.FTPLIB_PRELUDE + """

            port, mode, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            if mode == 'tls':
                ftp = connect(ReusingFTP_TLS, port)
            else:
                ftp = ftplib.FTP(timeout=30)
                ftp.connect('127.0.0.1', port)
                ftp.login('alice', 'secret')
            ftp.cwd('sub')
            try:
                with open(path, 'rb') as f:
                    ftp.storbinary('STOR over.bin', f)
                print('stored')
            except ftplib.error_perm as e:
                print('refused', e)
            except Exception as e:
                print('failed', type(e).__name__, e)
            print('pwd', ftp.pwd())
            print('noop', ftp.voidcmd('NOOP'))
            ftp.quit()
            """;

    private static final Pattern STOR_SENT = Pattern.compile("(?m)^---> STOR ");

    @TempDir
    static Path local;

    private static TestServer server;
    private static Path big;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start("tls.mode=optional", "quota.default=" + QUOTA);
        byte[] bytes = new byte[QUOTA + (40 << 20)];
        new Random(52).nextBytes(bytes);
        big = Files.write(local.resolve("big.bin"), bytes);
        server.write("alice", "sub/small.bin", new byte[1000]);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void curlReportsThe552AndItsNextRequestOnTheSameConnectionWorks() {
        for (boolean tls : new boolean[] {false, true}) {
            List<String> security = tls ? List.of("--ssl-reqd", "-k") : List.of();
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "-v", "-u", "alice:secret"));
            command.addAll(security);
            command.addAll(List.of("-T", big.toString(), url("sub/over.bin")));
            // Then, re-using the control connection, the size and date of a file (SIZE, MDTM: no data connection).
            command.addAll(List.of("--next", "-u", "alice:secret", "-I"));
            command.addAll(security);
            command.add(url("sub/small.bin"));
            ExternalClient.Result r = ExternalClient.run(command.toArray(String[]::new));
            String mode = tls ? "TLS" : "plain";
            assertThat(r.output()).as(mode).contains("< 552 Exceeded storage allocation")
                    .contains("curl: (70) Exceeded storage allocation")
                    .doesNotContain("(55)").doesNotContain("Connection reset").doesNotContain("Broken pipe")
                    .contains("Re-using existing connection").contains("< 213 1000").contains("Content-Length: 1000");
            assertThat(r.exitCode()).as(mode + ": the second request worked, so curl exits 0").isZero();
            assertThat(server.home("alice").resolve("sub/over.bin")).doesNotExist();
            List<String> alone = new ArrayList<>(List.of("curl", "-sS", "-u", "alice:secret"));
            alone.addAll(security);
            alone.addAll(List.of("-T", big.toString(), url("sub/over.bin")));
            assertThat(ExternalClient.run(alone.toArray(String[]::new)).exitCode())
                    .as(mode + ": alone, curl's exit code says the space is exhausted").isEqualTo(70);
        }
    }

    @Test
    void lftpReportsThe552OnceWithoutRetryingAndGoesOn() {
        for (boolean tls : new boolean[] {false, true}) {
            String settings = (tls
                    ? "set ftp:ssl-force true; set ftp:ssl-protect-data true; set ssl:verify-certificate no; "
                    : "set ftp:ssl-allow no; ")
                    + "set net:max-retries 2; set net:timeout 20; set net:reconnect-interval-base 1; ";
            String out = ExternalClient.run("lftp", "-d", "-u", "alice,secret", "-p", Integer.toString(server.port()),
                    "-e", settings + "cd sub; put " + big + " -o over.bin; quote PWD; quit", "127.0.0.1").output();
            String mode = tls ? "TLS" : "plain";
            assertThat(out).as(mode).contains("put: " + big + ": Access failed: 552 Exceeded storage allocation")
                    .doesNotContain("Connection reset").doesNotContain("Broken pipe");
            assertThat(count(STOR_SENT, out)).as(mode + ": STOR sent once, never retried").isEqualTo(1);
            assertThat(out).as(mode + ": the next command's own reply")
                    .containsPattern("---> PWD\\s+257 \"/sub\" is the current directory.");
        }
    }

    @Test
    void ftplibRaisesErrorPerm552AndItsNextRepliesAreItsOwn() {
        Path script = ExternalClient.script(local, "over.py", FTPLIB);
        for (String mode : List.of("plain", "tls")) {
            String out = ExternalClient.run("python3", script.toString(), Integer.toString(server.port()), mode,
                    big.toString()).ok().output();
            assertThat(out).as(mode).contains("refused 552 Exceeded storage allocation")
                    .contains("pwd /sub").contains("noop 200").doesNotContain("failed").doesNotContain("stored");
        }
    }

    private static String url(String path) {
        return "ftp://127.0.0.1:" + server.port() + "/" + path;
    }

    private static int count(Pattern p, String text) {
        Matcher m = p.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
