package ftp.server;

import ftp.fs.PathRefusedException;
import ftp.fs.VirtualPaths;

/**
 * Turns a client's path argument into a virtual path inside the jail, or a {@code 550}. The same refusal
 * text whether or not the target exists, so refusals reveal nothing. Pure; any thread.
 */
public final class PathArguments {
    private PathArguments() {}

    public static String resolve(String cwd, String argument) throws FtpReplyException {
        try {
            String path = VirtualPaths.resolve(cwd, argument);
            if (VirtualPaths.isBookkeeping(path)) {
                throw new FtpReplyException(550, "Permission denied.");
            }
            return path;
        } catch (PathRefusedException e) {
            throw new FtpReplyException(553, e.getMessage());
        }
    }
}
