package ftp.log;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The mode of the server's log files ({@code ftpd.log}, {@code xferlog}, {@code ftpd.out}): 0640, for the
 * server's account and its group (log readers such as {@code adm}), never for every account, since the lines
 * name users, addresses and paths. Stateless; any thread.
 */
public final class LogFiles {
    private LogFiles() {}

    /** Creates {@code file} (and its folder) with mode 0640 unless it exists; an existing file keeps its mode. */
    public static Path createIfMissing(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        } catch (FileAlreadyExistsException kept) {
            // appended to, as before
        }
        return file;
    }
}
