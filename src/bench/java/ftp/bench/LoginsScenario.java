package ftp.bench;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * {@code logins}: C clients loop for T seconds over connect, USER/PASS (after AUTH TLS with TLS) and QUIT.
 * Logins per second and p50/p99 of connect to 230. Also reports this run's very first login (a cold password
 * check when the server was started fresh) and, for reference, what one PBKDF2-HMAC-SHA256 check at the given
 * iteration count costs in this JVM. Main thread; the clients run on their own threads.
 */
final class LoginsScenario {
    private LoginsScenario() {}

    static JsonLine run(Bench b, Target t) throws InterruptedException {
        BenchOptions o = b.options();
        ErrorTally errors = new ErrorTally();
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < o.clients(); i++) {
            clients.add(new Client(t, errors));
        }
        TimedWindow.Outcome w = b.window(clients);
        LatencyLog all = new LatencyLog();
        long late = 0;
        for (Client c : clients) {
            all.addAll(c.log);
            late += c.late;
        }
        double rate = all.count() / w.seconds();
        JsonLine j = new JsonLine().put("unit", "logins/s").put("clients", o.clients()).put("seconds", w.seconds())
                .put("logins", all.count()).put("value", JsonLine.round(rate, 1))
                .put("p50_ms", JsonLine.round(all.millis(50), 3)).put("p99_ms", JsonLine.round(all.millis(99), 3));
        errors.into(j);
        j.put("logins_after_window", late);
        w.into(j);
        j.put("server_cpu_us_per_op", JsonLine.round(w.serverMicrosPer(rate), 1))
                .put("first_login_ms", JsonLine.round(b.firstLoginMillis(), 1));
        if (o.pbkdf2Iterations() > 0) {
            j.put("pbkdf2_iterations", o.pbkdf2Iterations())
                    .put("local_pbkdf2_ms", JsonLine.round(pbkdf2Millis(o.pbkdf2Iterations()), 1));
        }
        return j;
    }

    /**
     * One PBKDF2-HMAC-SHA256 derivation in this JVM once the JIT has compiled it (five warm-ups, then the median
     * of three), in ms: what a cold login costs a warmed-up server.
     */
    private static double pbkdf2Millis(int iterations) {
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] salt = new byte[16];
            List<Double> timed = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                long t0 = System.nanoTime();
                f.generateSecret(new PBEKeySpec(("reference" + i).toCharArray(), salt, iterations, 256));
                if (i >= 5) {
                    timed.add((System.nanoTime() - t0) / 1e6);
                }
            }
            return RunSummary.of(timed).median();
        } catch (GeneralSecurityException e) {
            return Double.NaN;
        }
    }

    /** One user logging in again and again. Its own thread only; results are read after it ends. */
    private static final class Client implements TimedWindow.Client {
        private final Target target;
        private final ErrorTally errors;
        final LatencyLog log = new LatencyLog();
        long late;
        private volatile ControlConnection current;

        Client(Target target, ErrorTally errors) {
            this.target = target;
            this.errors = errors;
        }

        @Override
        public void prepare() {
            // every login connects anew
        }

        @Override
        public void loop(long end) {
            while (System.nanoTime() - end < 0) {
                long t0 = System.nanoTime();
                long t1;
                try {
                    ControlConnection c = ControlConnection.open(target);
                    current = c;
                    try {
                        c.login();
                        t1 = System.nanoTime();
                    } catch (IOException e) {
                        c.close();
                        throw e;
                    }
                    c.quit();
                } catch (IOException e) {
                    errors.add("login", e);
                    sleepBriefly();
                    continue;
                }
                if (System.nanoTime() - end <= 0) {
                    log.add(t1 - t0);
                } else {
                    late++;
                }
            }
        }

        private static void sleepBriefly() {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void abort() {
            ControlConnection c = current;
            if (c != null) {
                c.close();
            }
        }
    }
}
