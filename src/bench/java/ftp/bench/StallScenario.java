package ftp.bench;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code stall}: the attacks that used to hold every worker, run together while one more session loops
 * {@code MKD}+{@code CWD}+{@code NLST}+{@code CWD ..}+{@code RMD} and times each round (p50/p99/max). L
 * sessions ({@code --load-clients}) of each kind: {@code PASV}+{@code LIST} that never connect; over TLS
 * ({@code stall-tls}) also {@code PASV}+{@code RETR} that connect and never shake hands; and uploads of
 * min({@code --size-mib}, {@value #MAX_UPLOAD_MIB}) MiB each followed at once by {@code HASH}, again and again
 * (the HASH finds the upload's digest still catching up). A stalled command ends when the server's
 * {@code timeouts.data} does; each stalling session stalls once per window. Main thread; the clients run on
 * their own threads.
 */
final class StallScenario {
    private static final int MAX_UPLOAD_MIB = 200;

    private StallScenario() {}

    static JsonLine run(Bench b, Target t) throws InterruptedException {
        BenchOptions o = b.options();
        ErrorTally errors = new ErrorTally();
        byte[] block = new byte[(int) Bench.MIB];
        new Random(7).nextBytes(block);
        ByteBuffer chunk = ByteBuffer.allocateDirect(block.length).put(block).flip();
        long uploadMib = Math.min(o.sizeMib(), MAX_UPLOAD_MIB);
        String prefix = "stall-" + ProcessHandle.current().pid() + "-";
        List<TimedWindow.Client> clients = new ArrayList<>();
        LatencyLog hashes = new LatencyLog();
        for (int i = 0; i < o.loadClients(); i++) {
            clients.add(new Staller(t, "LIST", false, errors));
            if (t.tls()) {
                clients.add(new Staller(t, "RETR " + o.file(), true, errors));
            }
            clients.add(new Hasher(t, prefix + i + ".bin", chunk, uploadMib, hashes, errors));
        }
        String dir = prefix + "probe";
        ByteBuffer listing = ByteBuffer.allocateDirect(64 * 1024);
        TimedRounds prober = new TimedRounds(t, errors, "probe", c -> {
            c.require("MKD " + dir, 2);
            c.require("CWD " + dir, 2);
            c.download("NLST", listing);
            c.require("CWD ..", 2);
            c.require("RMD " + dir, 2);
        });
        clients.add(prober);
        TimedWindow.Outcome w = b.window(clients);
        LatencyLog rounds = prober.log;
        JsonLine j = rounds.percentiles(new JsonLine().put("unit", "ms").put("load_clients", o.loadClients())
                        .put("upload_mib", uploadMib).put("seconds", w.seconds()).put("rounds", rounds.count()))
                .put("hashes", hashes.count())
                .put("hash_p50_ms", JsonLine.round(hashes.millis(50), 3));
        errors.into(j);
        w.into(j);
        return j;
    }

    /** Sends PASV and a transfer command, connects or not, then stays silent until the window closes. */
    private static final class Staller extends SessionClient {
        private final String command;
        private final boolean connect;
        private volatile Socket data;

        Staller(Target target, String command, boolean connect, ErrorTally errors) {
            super(target, errors, "stall");
            this.command = command;
            this.connect = connect;
        }

        @Override
        public void loop(long end) {
            try {
                if (c != null) {
                    data = c.stallData(command, connect);
                }
                TimedWindow.sleepUntil(end);
            } catch (IOException e) {
                errors.add("stall", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                abort();
            }
        }

        @Override
        public void abort() {
            super.abort();
            Socket s = data;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /** Uploads a fresh big file, asks for its HASH at once, deletes it; again until the window closes. */
    private static final class Hasher extends SessionClient {
        private final String name;
        private final ByteBuffer chunk;
        private final long mib;
        private final LatencyLog hashes;

        Hasher(Target target, String name, ByteBuffer chunk, long mib, LatencyLog hashes, ErrorTally errors) {
            super(target, errors, "upload+hash");
            this.name = name;
            this.chunk = chunk;
            this.mib = mib;
            this.hashes = hashes;
        }

        @Override
        public void loop(long end) {
            repeatUntil(end, c -> {
                c.upload("STOR " + name, chunk.duplicate(), mib);
                long t0 = System.nanoTime();
                c.require("HASH " + name, 2);
                long t1 = System.nanoTime();
                synchronized (hashes) {
                    hashes.add(t1 - t0);
                }
                c.require("DELE " + name, 2);
            });
        }
    }
}
