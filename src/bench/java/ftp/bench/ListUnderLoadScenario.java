package ftp.bench;

import java.nio.ByteBuffer;
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
    private ListUnderLoadScenario() {}

    static JsonLine run(Bench b, Target t) throws InterruptedException {
        BenchOptions o = b.options();
        ErrorTally errors = new ErrorTally();
        AtomicLong downloaded = new AtomicLong();
        List<TimedWindow.Client> clients = new ArrayList<>();
        for (int i = 0; i < o.loadClients(); i++) {
            clients.add(new Downloader(t, "RETR " + o.file(), downloaded, errors));
        }
        ByteBuffer listing = ByteBuffer.allocateDirect(64 * 1024);
        TimedRounds lister = new TimedRounds(t, errors, "list", c -> c.download(o.listCommand(), listing));
        clients.add(lister);
        TimedWindow.Outcome w = b.window(clients);
        LatencyLog lists = lister.log;
        double listSeconds = TimedRounds.timedSeconds(w.seconds());
        JsonLine j = lists.percentiles(new JsonLine().put("unit", "ms").put("load_clients", o.loadClients())
                        .put("seconds", w.seconds()).put("list_cmd", o.listCommand()).put("lists", lists.count()))
                .put("lists_per_s", JsonLine.round(lists.count() / listSeconds, 1))
                .put("download_mib_s", JsonLine.round(downloaded.get() / (double) Bench.MIB / w.seconds(), 1));
        errors.into(j);
        w.into(j);
        return j;
    }

    /** Downloads the big file until the window closes. Its own thread only. */
    private static final class Downloader extends SessionClient {
        private final String command;
        private final AtomicLong downloaded;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);

        Downloader(Target target, String command, AtomicLong downloaded, ErrorTally errors) {
            super(target, errors, "download");
            this.command = command;
            this.downloaded = downloaded;
        }

        @Override
        public void loop(long end) {
            repeatUntil(end, c -> {
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
            });
        }
    }
}
