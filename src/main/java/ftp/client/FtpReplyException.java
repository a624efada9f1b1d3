package ftp.client;

import java.io.IOException;

/**
 * A command the server refused or answered unexpectedly; the connection itself is still usable. Carries the reply
 * so that the shell can show the server's own words. Any thread.
 */
final class FtpReplyException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Reply reply;

    FtpReplyException(Reply reply) {
        super(reply.toString());
        this.reply = reply;
    }

    Reply reply() {
        return reply;
    }
}
