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
        CpuSpan cpu;
        String tls;
        try (ControlConnection c = ControlConnection.session(t)) {
            for (int i = 0; i < o.warmup(); i++) {
                c.download(command, buf);
            }
            cpu = CpuSpan.start(b.server());
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
            cpu.end();
            tls = c.tlsDescription();
            c.quit();
        }
        JsonLine j = cpu.into(new JsonLine().put("unit", "MiB/s").put("bytes", bytes).put("size_ok", sizeOk));
        RunSummary.of(rates).into(j);
        j.put("tls_session", tls);
        return j;
    }
}
