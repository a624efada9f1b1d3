package ftp.server;

import ftp.server.TransferLog.Direction;

import java.util.concurrent.atomic.AtomicLong;

/** Bytes a session's transfers moved, in (uploads) and out (downloads). Workers add; any thread reads. */
public final class SessionTraffic {
    private final AtomicLong in = new AtomicLong();
    private final AtomicLong out = new AtomicLong();

    void add(Direction direction, long bytes) {
        (direction == Direction.INCOMING ? in : out).addAndGet(bytes);
    }

    public long in() {
        return in.get();
    }

    public long out() {
        return out.get();
    }
}
