package ftp.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code list-under-load}: L clients (by default 10, the server's default {@code clients.max}) download the big
 * file over and over while one more client lists its directory again and again; p50/p99 of the listing (PASV,
 * LIST, the listing, 226) and the downloads' total MiB/s. The lister starts half a second into the window, once
 * the downloads run. Downloads still running when the window closes are cut. Main thread; the clients run on
 * their own threads.
 */
final class ListUnderLoadScenario {
    private static final long LISTER_DELAY_NANOS = 500_000_000L;

    private ListUnderLoadScenario() {}

    static JsonLine run(Bench b, Target t) throws InterruptedException {
        BenchOptions o = b.options();
        ErrorTally errors = new ErrorTally();
        AtomicLong downloaded = new AtomicLong();
        List<TimedWindow.Client> clients = new ArrayList<>();
        for (int i = 0; i < o.loadClients(); i++) {
            clients.add(new Downloader(t, "RETR " + o.file(), downloaded, errors));
        }
        Lister lister = new Lister(t, o.listCommand(), errors);
        clients.add(lister);
        TimedWindow.Outcome w = TimedWindow.run(clients, Duration.ofMillis((long) (o.seconds() * 1000)), b.server(),
                Duration.ofSeconds(30));
        LatencyLog lists = lister.log;
        double listSeconds = w.seconds() - LISTER_DELAY_NANOS / 1e9;
        JsonLine j = new JsonLine().put("unit", "ms").put("load_clients", o.loadClients()).put("seconds", w.seconds())
                .put("list_cmd", o.listCommand()).put("lists", lists.count())
                .put("value", JsonLine.round(lists.millis(99), 3))
                .put("p50_ms", JsonLine.round(lists.millis(50), 3)).put("p99_ms", JsonLine.round(lists.millis(99), 3))
                .put("max_ms", JsonLine.round(lists.millis(100), 3))
                .put("lists_per_s", JsonLine.round(lists.count() / listSeconds, 1))
                .put("download_mib_s", JsonLine.round(downloaded.get() / (double) Bench.MIB / w.seconds(), 1));
        errors.into(j);
        w.into(j);
        return j;
    }

    /** Downloads the big file until the window closes. Its own thread only. */
    private static final class Downloader implements TimedWindow.Client {
        private final Target target;
        private final String command;
        private final AtomicLong downloaded;
        private final ErrorTally errors;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
        private volatile ControlConnection c;

        Downloader(Target target, String command, AtomicLong downloaded, ErrorTally errors) {
            this.target = target;
            this.command = command;
            this.downloaded = downloaded;
            this.errors = errors;
        }

        @Override
        public void prepare() {
            c = ControlConnection.sessionOrNull(target, errors, "connect");
        }

        @Override
        public void loop(long end) {
            try {
                while (c != null && System.nanoTime() - end < 0) {
                    Wire data = c.openData(command);
                    int n;
                    while ((n = data.read(buf.clear())) >= 0) {
                        downloaded.addAndGet(n);
                        if (System.nanoTime() - end >= 0) {
                            data.abort(); // the window closed: cut the download, and the session with it
                            return;
                        }
                    }
                    c.finish(data, command);
                }
            } catch (IOException e) {
                if (System.nanoTime() - end < 0) {
                    errors.add("download", e);
                }
            } finally {
                abort();
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

    /** Lists the home directory again and again, timing each listing. Its own thread only. */
    private static final class Lister implements TimedWindow.Client {
        private final Target target;
        private final String command;
        private final ErrorTally errors;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
        final LatencyLog log = new LatencyLog();
        private volatile ControlConnection c;

        Lister(Target target, String command, ErrorTally errors) {
            this.target = target;
            this.command = command;
            this.errors = errors;
        }

        @Override
        public void prepare() {
            c = ControlConnection.sessionOrNull(target, errors, "lister connect");
        }

        @Override
        public void loop(long end) {
            try {
                TimedWindow.sleepUntil(System.nanoTime() + LISTER_DELAY_NANOS);
            } catch (InterruptedException e) {
                return;
            }
            while (c != null && System.nanoTime() - end < 0) {
                long t0 = System.nanoTime();
                try {
                    c.download(command, buf);
                } catch (IOException e) {
                    errors.add("list", e);
                    abort();
                    return;
                }
                long t1 = System.nanoTime();
                if (t1 - end <= 0) {
                    log.add(t1 - t0);
                }
            }
            if (c != null) {
                c.quit();
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
