package ftp.fs;

/**
 * A path argument that can never name a file in a jail (bad characters, over-long). Its message is
 * safe to show to the client and never depends on whether anything exists on disk.
 */
public final class PathRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public PathRefusedException(String publicMessage) {
        super(publicMessage);
    }
}
