package ftp.fs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * A file operation in a jail that failed, as the client may hear it: a {@link Kind} for choosing the reply
 * code and a message that never contains a real (host) path. The cause, if any, is for the log only.
 */
public final class FsException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, in the terms FTP replies use. */
    public enum Kind {
        NOT_FOUND("No such file or directory"),
        EXISTS("File exists"),
        NOT_A_DIRECTORY("Not a directory"),
        IS_A_DIRECTORY("Is a directory"),
        NOT_EMPTY("Directory not empty"),
        REFUSED("Permission denied"),
        NO_SPACE("No space left on device"),
        /** The user's own quota (bytes or files and folders), not the disk: see {@link QuotaLedger}. */
        OVER_QUOTA("Exceeded storage allocation"),
        /** Another upload is writing the same file. */
        BUSY("File busy: another upload is writing it"),
        IO("Input/output error");

        private final String publicMessage;

        Kind(String publicMessage) {
            this.publicMessage = publicMessage;
        }
    }

    private final Kind kind;

    public FsException(Kind kind) {
        this(kind, null);
    }

    public FsException(Kind kind, Throwable cause) {
        super(kind.publicMessage, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * True when an I/O failure means the disk (or the disk quota of the server's account) is full, so a
     * transfer can answer 452 rather than 451. Writes through a {@code FileChannel} report ENOSPC only in
     * the message, hence the text match.
     */
    public static boolean isNoSpace(IOException e) {
        if (e instanceof FsException fs) {
            return fs.kind == Kind.NO_SPACE;
        }
        String text = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        return text != null && (text.contains("No space left on device") || text.contains("Disk quota exceeded"));
    }

    /** Translates a JDK failure into the client's terms, keeping the original as the cause. */
    static FsException from(IOException e) {
        if (e instanceof FsException fs) {
            return fs;
        }
        return new FsException(kindOf(e), e);
    }

    private static Kind kindOf(IOException e) {
        if (e instanceof NoSuchFileException) {
            return Kind.NOT_FOUND;
        }
        if (e instanceof FileAlreadyExistsException) {
            return Kind.EXISTS;
        }
        if (e instanceof NotDirectoryException) {
            return Kind.NOT_A_DIRECTORY;
        }
        if (e instanceof DirectoryNotEmptyException) {
            return Kind.NOT_EMPTY;
        }
        if (e instanceof AccessDeniedException) {
            return Kind.REFUSED;
        }
        if (isNoSpace(e)) {
            return Kind.NO_SPACE;
        }
        String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
        if (reason != null) {
            if (reason.contains("symbolic link")) {
                // ELOOP from O_NOFOLLOW: something was swapped for a link between our check and the open.
                return Kind.REFUSED;
            }
            if (reason.contains("Is a directory")) {
                return Kind.IS_A_DIRECTORY;
            }
            if (reason.contains("Not a directory")) {
                return Kind.NOT_A_DIRECTORY;
            }
            if (reason.contains("File name too long")) {
                return Kind.REFUSED;
            }
            if (reason.contains("No such device or address") || reason.contains("Read-only file system")) {
                // ENXIO: a socket swapped in for a file; EROFS: a read-write open where nothing may be written.
                return Kind.REFUSED;
            }
        }
        return Kind.IO;
    }
}
