package ftp.client;

import java.io.IOException;

/**
 * The server said it is closing the connection ({@code 421}: idle timeout, shutdown, too many failures): the
 * connection is over, and the reply says why. Any thread.
 */
final class ServerClosedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Reply reply;

    ServerClosedException(Reply reply) {
        super(reply.toString());
        this.reply = reply;
    }

    Reply reply() {
        return reply;
    }
}
