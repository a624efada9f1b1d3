package ftp.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs concurrent clients through one shared time window, as the peer rig does: every client first gets ready
 * (connects, logs in) on its own thread, then all start together and loop until the window closes. The server
 * and this process are sampled at the window's edges (just before it closes, while clients are still connected)
 * and in its middle. Operations are counted by the clients only when they end inside the window. Called from one
 * thread; it starts one thread per client.
 */
final class TimedWindow {
    /** One simulated user. Records its own latencies and errors; never throws. */
    interface Client {
        void prepare();

        void loop(long endNanos);

        /** Cuts the client's connections: it overran the window by more than the grace period. */
        void abort();
    }

    /**
     * @param serverCpuPct the server's CPU over the window, % of one core; null when the server is not visible
     * @param clientCpuPct this process's CPU over the window, % of one core
     * @param middle the server's state in the middle of the window (threads and memory under load)
     */
    record Outcome(double seconds, Double serverCpuPct, Double clientCpuPct, ServerProcess.Usage middle,
                   int overran) {
        void into(JsonLine j) {
            j.put("server_cpu_pct", JsonLine.round(serverCpuPct, 1))
                    .put("client_cpu_pct", JsonLine.round(clientCpuPct, 1));
            if (middle != null) {
                j.put("server_nproc", middle.processes()).put("server_threads", middle.threads())
                        .put("server_rss_kib", middle.rssKib());
            }
            j.put("clients_overran", overran);
        }

        /** Server CPU microseconds per operation at {@code rate} operations per second. */
        Double serverMicrosPer(double rate) {
            return serverCpuPct == null || rate <= 0 ? null : serverCpuPct / 100.0 / rate * 1e6;
        }
    }

    private TimedWindow() {}

    static Outcome run(List<? extends Client> clients, Duration length, ServerProcess server, Duration grace)
            throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(clients.size());
        CountDownLatch go = new CountDownLatch(1);
        long[] end = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            Client c = clients.get(i);
            Thread t = new Thread(() -> {
                c.prepare();
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                c.loop(end[0]);
            }, "bench-client-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        ready.await();
        long lengthNanos = length.toNanos();
        CpuSpan cpu = CpuSpan.start(server);
        long t0 = System.nanoTime();
        end[0] = t0 + lengthNanos;
        go.countDown(); // publishes end[0] to the clients
        sleepUntil(t0 + lengthNanos / 2);
        ServerProcess.Usage middle = ServerProcess.sampleOrNull(server);
        sleepUntil(end[0] - Math.min(250_000_000L, lengthNanos / 50));
        cpu.end();
        int overran = 0;
        long joinBy = end[0] + grace.toNanos();
        for (int i = 0; i < threads.size(); i++) {
            Thread t = threads.get(i);
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinBy - System.nanoTime())));
            if (t.isAlive()) {
                overran++;
                clients.get(i).abort();
                t.join(10_000);
            }
        }
        return new Outcome(lengthNanos / 1e9, cpu.serverPercent(), cpu.clientPercent(), middle, overran);
    }

    static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** This process's CPU time in nanoseconds, or -1 where the JDK cannot tell. */
    static long selfCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
