package ftp.client;

import java.io.IOException;

/**
 * The user stopped a transfer (Ctrl-C): the server was told (ABOR) and the connection is still usable; what was
 * moved so far stays where it got to. Main thread.
 */
final class TransferAbortedException extends IOException {
    private static final long serialVersionUID = 1L;

    TransferAbortedException() {
        super("transfer interrupted");
    }
}
