package ftp.server;

import ftp.server.LineDecoder.Line;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The input side of one control connection: the {@link LineDecoder}, the lines read but not yet run, in
 * order, and whether reading is paused or over. Bounded, so a pipelining client costs bounded memory: when
 * {@value #MAX_QUEUED_LINES} lines wait, reading pauses, and the bytes already read but not yet split wait in
 * the backlog (at most one read's worth) until half of the queue has run. It never touches the socket; its
 * {@link Session} turns "paused" and "ended" into interest ops. Owned by the selector thread, like the Session.
 */
final class CommandInput {
    private static final int MAX_QUEUED_LINES = 32;

    private final LineDecoder decoder;
    private final ArrayDeque<Line> queued = new ArrayDeque<>();
    private ByteBuffer backlog; // null unless reading is paused with bytes left over
    private boolean paused;
    private boolean ended;

    CommandInput(int maxLineLength) {
        this.decoder = new LineDecoder(maxLineLength);
    }

    /** True while the socket should be read: the queue has room and the client has not half-closed. */
    boolean reading() {
        return !paused && !ended;
    }

    boolean paused() {
        return paused;
    }

    /** True once the client half-closed; the lines it sent before still run. */
    boolean ended() {
        return ended;
    }

    void markEnded() {
        ended = true;
    }

    /** The next line of {@code in}; null when {@code in} ran out or reading is paused (the rest stays unread). */
    Line next(ByteBuffer in) {
        return paused ? null : decoder.next(in);
    }

    /** Keeps what is left of {@code in} once reading paused; it is split first when reading resumes. */
    void keepRest(ByteBuffer in) {
        if (paused && in.hasRemaining()) {
            backlog = ByteBuffer.allocate(in.remaining()).put(in).flip();
        }
    }

    /** Queues a line to run; true when this filled the queue and reading paused. */
    boolean queue(Line line) {
        queued.add(line);
        if (queued.size() < MAX_QUEUED_LINES) {
            return false;
        }
        paused = true;
        return true;
    }

    /** The oldest line not yet run, or null. */
    Line poll() {
        return queued.poll();
    }

    /** True when everything read has run: no queued line, no backlog. */
    boolean drained() {
        return queued.isEmpty() && backlog == null;
    }

    /** True when reading is paused and half of the queue has run since, so reading may resume. */
    boolean roomToResume() {
        return paused && queued.size() < MAX_QUEUED_LINES / 2;
    }

    /** Resumes reading; returns the backlog, to be split before anything read later, or null. */
    ByteBuffer resume() {
        paused = false;
        ByteBuffer rest = backlog;
        backlog = null;
        return rest;
    }

    /** Forgets everything read and not yet run (AUTH TLS: pipelined plaintext must not run after the switch). */
    void discard() {
        queued.clear();
        backlog = null;
        paused = false;
        decoder.reset();
    }
}
