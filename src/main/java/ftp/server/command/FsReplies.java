package ftp.server.command;

import ftp.fs.FsException;
import ftp.server.FtpReplyException;

/**
 * Maps file-system failures to FTP replies: the client hears the kind of failure, never a host path.
 * Stateless; any thread.
 */
final class FsReplies {
    private FsReplies() {}

    static FtpReplyException of(FsException e) {
        return switch (e.kind()) {
            case NO_SPACE -> new FtpReplyException(452, "Insufficient storage space: " + e.getMessage() + ".");
            case OVER_QUOTA -> new FtpReplyException(552, e.getMessage() + ".");
            case BUSY -> new FtpReplyException(450, e.getMessage() + "; try again once it has finished.");
            case IO -> new FtpReplyException(451, "Local error: " + e.getMessage() + ".");
            default -> new FtpReplyException(550, e.getMessage() + ".");
        };
    }

    /** Quotes a path for 257 replies (RFC 959: a double quote inside is doubled). */
    static String quoted(String path) {
        return '"' + path.replace("\"", "\"\"") + '"';
    }
}
