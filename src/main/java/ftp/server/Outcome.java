package ftp.server;

import java.util.List;
import java.util.function.Consumer;

/**
 * What a worker hands back to the selector thread: the replies to send, in order, and a change to the
 * session's state that only the selector thread may apply. Immutable.
 */
public record Outcome(List<Reply> replies, Consumer<Session> change) {
    private static final Consumer<Session> NO_CHANGE = s -> { };

    public static Outcome of(int code, String text) {
        return new Outcome(List.of(new Reply(code, text)), NO_CHANGE);
    }

    public static Outcome of(Reply reply) {
        return new Outcome(List.of(reply), NO_CHANGE);
    }

    public static Outcome of(Reply reply, Consumer<Session> change) {
        return new Outcome(List.of(reply), change);
    }

    /** The worker has already posted its final reply (through {@link SessionView#preliminary}). */
    public static Outcome answered(Consumer<Session> change) {
        return new Outcome(List.of(), change);
    }
}
