package ftp.server;

/**
 * An expected refusal: the handler stops and the session answers with this reply. Anything else a handler
 * throws is logged and answered {@code 451}. Any thread.
 */
public final class FtpReplyException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Reply reply;

    public FtpReplyException(int code, String text) {
        super(text, null, false, false);
        this.reply = new Reply(code, text);
    }

    public Reply reply() {
        return reply;
    }
}
