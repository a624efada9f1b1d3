package ftp.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code retr}: one session downloads the same file repeatedly into a reused buffer (untimed warm-up runs first);
 * MiB/s per run. Main thread.
 */
final class RetrScenario {
    private RetrScenario() {}

    static JsonLine run(Bench b, Target t) throws IOException {
        BenchOptions o = b.options();
        ByteBuffer buf = ByteBuffer.allocateDirect(o.bufferBytes());
        String command = "RETR " + o.file();
        List<Double> rates = new ArrayList<>();
        boolean sizeOk = true;
        long bytes = 0;
        ServerProcess.Usage s0;
        ServerProcess.Usage s1;
        String tls;
        long c0 = 0;
        long c1;
        long w0 = 0;
        long w1;
        try (ControlConnection c = ControlConnection.session(t)) {
            for (int i = 0; i < o.warmup(); i++) {
                c.download(command, buf);
            }
            s0 = b.sample();
            c0 = TimedWindow.selfCpuNanos();
            w0 = System.nanoTime();
            for (int i = 0; i < o.runs(); i++) {
                long t0 = System.nanoTime();
                long n = c.download(command, buf);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double rate = n / seconds / Bench.MIB;
                rates.add(rate);
                bytes = n;
                sizeOk &= n == o.sizeMib() * Bench.MIB;
                Bench.progress(String.format("retr run %d: %d bytes in %.3f s = %.1f MiB/s", i + 1, n, seconds, rate));
            }
            s1 = b.sample();
            c1 = TimedWindow.selfCpuNanos();
            w1 = System.nanoTime();
            tls = c.tlsDescription();
            c.quit();
        }
        JsonLine j = new JsonLine().put("unit", "MiB/s").put("bytes", bytes).put("size_ok", sizeOk)
                .put("server_cpu_pct", JsonLine.round(ServerProcess.cpuPercent(s0, s1), 1))
                .put("client_cpu_pct", c0 < 0 ? null : JsonLine.round(100.0 * (c1 - c0) / (w1 - w0), 1));
        RunSummary.of(rates).into(j);
        j.put("tls_session", tls);
        return j;
    }
}
