package ftp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code idle}: opens K logged-in sessions (O threads opening them), holds them H seconds, checks a sample of
 * them with NOOP, and compares the server's memory before and after. For a JVM server both measurements follow a
 * full GC ({@code jcmd PID GC.run}), so the growth is what the sessions keep alive rather than garbage not yet
 * collected. Run it first against a freshly started server. Main thread; the openers run on their own threads.
 */
final class IdleScenario {
    private IdleScenario() {}

    static JsonLine run(Bench b, Target t) throws InterruptedException {
        BenchOptions o = b.options();
        warnIfFewDescriptors(o.sessions());
        Memory before = memory(b);
        ConcurrentLinkedQueue<ControlConnection> open = new ConcurrentLinkedQueue<>();
        ErrorTally errors = new ErrorTally();
        AtomicInteger todo = new AtomicInteger(o.sessions());
        long t0 = System.nanoTime();
        List<Thread> openers = new ArrayList<>();
        for (int i = 0; i < o.openers(); i++) {
            Thread th = new Thread(() -> {
                while (todo.getAndDecrement() > 0) {
                    try {
                        open.add(ControlConnection.session(t));
                    } catch (IOException e) {
                        errors.add("open", e);
                    }
                }
            }, "bench-opener-" + i);
            th.setDaemon(true);
            openers.add(th);
            th.start();
        }
        for (Thread th : openers) {
            th.join();
        }
        double openSeconds = (System.nanoTime() - t0) / 1e9;
        Bench.progress(String.format("idle: %d sessions open (%d failed) in %.1f s; holding %.0f s", open.size(),
                errors.count(), openSeconds, o.holdSeconds()));
        Thread.sleep((long) (o.holdSeconds() * 1000));
        List<ControlConnection> sessions = new ArrayList<>(open);
        int checked = 0;
        int alive = 0;
        for (int i = 0; i < sessions.size(); i += Math.max(1, sessions.size() / 50)) {
            checked++;
            try {
                if (sessions.get(i).command("NOOP").is(2)) {
                    alive++;
                }
            } catch (IOException e) {
                errors.add("NOOP", e);
            }
        }
        Memory after = memory(b);
        for (ControlConnection c : sessions) {
            c.close();
        }
        int ok = sessions.size();
        JsonLine j = new JsonLine().put("unit", "sessions").put("requested", o.sessions()).put("value", ok)
                .put("failed", o.sessions() - ok).put("open_seconds", JsonLine.round(openSeconds, 2))
                .put("hold_seconds", o.holdSeconds()).put("noop_checked", checked).put("noop_ok", alive);
        errors.into(j);
        j.put("first_login_ms", JsonLine.round(b.firstLoginMillis(), 1));
        if (before != null && after != null) {
            ServerProcess.Usage u0 = before.usage();
            ServerProcess.Usage u1 = after.usage();
            j.put("full_gc", before.heapKib() != null)
                    .put("rss_before_kib", u0.rssKib()).put("rss_after_kib", u1.rssKib())
                    .put("pss_before_kib", u0.pssKib()).put("pss_after_kib", u1.pssKib())
                    .put("threads_before", u0.threads()).put("threads_after", u1.threads())
                    .put("nproc_before", u0.processes()).put("nproc_after", u1.processes())
                    .put("rss_per_session_kib", ok == 0 ? null : JsonLine.round((u1.rssKib() - u0.rssKib()) / (double) ok, 2))
                    .put("pss_per_session_kib", ok == 0 ? null : JsonLine.round((u1.pssKib() - u0.pssKib()) / (double) ok, 2));
            if (before.heapKib() != null && after.heapKib() != null) {
                j.put("heap_used_before_kib", before.heapKib()).put("heap_used_after_kib", after.heapKib())
                        .put("heap_per_session_kib", ok == 0 ? null
                                : JsonLine.round((after.heapKib() - before.heapKib()) / (double) ok, 2));
            }
        }
        return j;
    }

    private record Memory(ServerProcess.Usage usage, Long heapKib) {}

    /** The server's memory, after a full GC when it is a JVM. Null when the server is not visible. */
    private static Memory memory(Bench b) throws InterruptedException {
        if (b.server() == null) {
            return null;
        }
        Long heap = b.options().fullGc() ? b.server().fullGc().orElse(null) : null;
        Thread.sleep(1000);
        return new Memory(b.server().sample(), heap);
    }

    private static void warnIfFewDescriptors(int sessions) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Max open files")) {
                    long soft = Long.parseLong(line.substring(26).trim().split("\\s+")[0]);
                    if (soft < sessions + 100L) {
                        System.err.println("warning: open-file limit " + soft + " is below " + (sessions + 100)
                                + "; raise it (ulimit -n) or some sessions will fail on this side");
                    }
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not Linux: no warning
        }
    }
}
