package ftp.server;

import java.util.List;
import java.util.function.Consumer;

/**
 * What a worker hands back to the selector thread: the replies to send, in order, and a change to the
 * session's state that only the selector thread may apply; or, for a transfer under PROT P that has sent its
 * 150, the {@link Rest} of the command, which goes back to its pool once the loop has run the data connection's
 * TLS handshake. Immutable.
 */
public record Outcome(List<Reply> replies, Consumer<Session> change, Rest rest) {
    private static final Consumer<Session> NO_CHANGE = s -> { };

    /** The part of a transfer command that opens its data connection and moves the data, on a worker. */
    @FunctionalInterface
    public interface Rest {
        Outcome run() throws FtpReplyException;
    }

    public Outcome(List<Reply> replies, Consumer<Session> change) {
        this(replies, change, null);
    }

    /** The command goes on with {@code rest} once the loop has run the data connection's TLS handshake. */
    public static Outcome afterDataHandshake(Rest rest) {
        return new Outcome(List.of(), NO_CHANGE, rest);
    }

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
