package ftp.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code small}: C clients, each logged in once, loop for T seconds over STOR of a 4 KiB file, a listing (LIST
 * by default, as the peer rig does), RETR of that file and DELE, each transfer on its own passive connection.
 * Operations per second (only those that end inside the window), p50/p99 per operation and overall, and the
 * server's CPU per operation. A client whose operation fails logs in again and goes on. Main thread; the
 * clients run on their own threads.
 */
final class SmallScenario {
    static final String[] OPS = {"STOR", "LIST", "RETR", "DELE"};
    private static final int FILE_BYTES = 4096;

    private SmallScenario() {}

    static JsonLine run(Bench b, Target t) throws InterruptedException {
        BenchOptions o = b.options();
        ErrorTally errors = new ErrorTally();
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < o.clients(); i++) {
            clients.add(new Client(t, o.listCommand(), "small-" + ProcessHandle.current().pid() + "-" + i + ".dat",
                    errors));
        }
        TimedWindow.Outcome w = b.window(clients);
        LatencyLog all = new LatencyLog();
        JsonLine perOp = new JsonLine();
        long late = 0;
        for (int k = 0; k < OPS.length; k++) {
            LatencyLog op = new LatencyLog();
            for (Client c : clients) {
                op.addAll(c.logs[k]);
            }
            all.addAll(op);
            perOp.put(OPS[k], new JsonLine().put("n", op.count()).put("p50_ms", JsonLine.round(op.millis(50), 3))
                    .put("p99_ms", JsonLine.round(op.millis(99), 3)));
        }
        for (Client c : clients) {
            late += c.late;
        }
        double rate = all.count() / w.seconds();
        JsonLine j = new JsonLine().put("unit", "ops/s").put("clients", o.clients()).put("seconds", w.seconds())
                .put("list_cmd", o.listCommand()).put("ops", all.count()).put("value", JsonLine.round(rate, 1))
                .put("p50_ms", JsonLine.round(all.millis(50), 3)).put("p99_ms", JsonLine.round(all.millis(99), 3))
                .put("per_op", perOp);
        errors.into(j);
        j.put("ops_after_window", late);
        w.into(j);
        j.put("server_cpu_us_per_op", JsonLine.round(w.serverMicrosPer(rate), 1));
        return j;
    }

    /** One user of the small-files loop. Its own thread only; results are read after it ends. */
    private static final class Client implements TimedWindow.Client {
        private final Target target;
        private final String listCommand;
        private final String name;
        private final ErrorTally errors;
        private final ByteBuffer payload;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        final LatencyLog[] logs = {new LatencyLog(), new LatencyLog(), new LatencyLog(), new LatencyLog()};
        long late;
        private volatile ControlConnection c;

        Client(Target target, String listCommand, String name, ErrorTally errors) {
            this.target = target;
            this.listCommand = listCommand;
            this.name = name;
            this.errors = errors;
            byte[] bytes = new byte[FILE_BYTES];
            new Random(name.hashCode()).nextBytes(bytes);
            this.payload = ByteBuffer.allocateDirect(FILE_BYTES).put(bytes).flip();
        }

        @Override
        public void prepare() {
            c = ControlConnection.sessionOrNull(target, errors, "connect");
        }

        @Override
        public void loop(long end) {
            while (c != null && System.nanoTime() - end < 0) {
                for (int k = 0; k < OPS.length; k++) {
                    long t0 = System.nanoTime();
                    try {
                        step(k);
                    } catch (IOException e) {
                        errors.add(OPS[k], e);
                        reconnect(end);
                        break;
                    }
                    long t1 = System.nanoTime();
                    if (t1 - end <= 0) {
                        logs[k].add(t1 - t0);
                    } else {
                        late++;
                    }
                }
            }
            if (c != null) {
                c.quit();
            }
        }

        private void step(int k) throws IOException {
            switch (k) {
                case 0 -> c.upload("STOR " + name, payload, 1);
                case 1 -> c.download(listCommand, buf);
                case 2 -> {
                    long n = c.download("RETR " + name, buf);
                    if (n != FILE_BYTES) {
                        throw new IOException("RETR got " + n + " bytes instead of " + FILE_BYTES);
                    }
                }
                default -> c.require("DELE " + name, 2);
            }
        }

        private void reconnect(long end) {
            c.close();
            c = null;
            if (System.nanoTime() - end < 0) {
                try {
                    ControlConnection fresh = ControlConnection.session(target);
                    fresh.command("DELE " + name);
                    c = fresh;
                } catch (IOException e) {
                    errors.add("reconnect", e);
                }
            }
        }

        @Override
        public void abort() {
            ControlConnection now = c;
            if (now != null) {
                now.close();
            }
        }
    }
}
