package ftp.server;

import ftp.server.data.DataRoute;
import ftp.server.data.TransferHandle;

import java.net.InetAddress;
import java.util.function.Consumer;

/**
 * An immutable snapshot of one session, taken on the selector thread when a command goes to a worker. The
 * worker reads only this, never the live {@link Session}. {@code data} and {@code transfer} are set for
 * commands that use a data connection; {@code preliminary} posts a reply back to the loop ahead of the
 * outcome: a 1xx (e.g. 150), or the final reply of an upload refused mid-way, which must reach the client
 * while the worker still drains the data connection (the outcome then has no reply of its own).
 */
public record SessionView(
        ServerContext server,
        UserContext user,
        InetAddress peer,
        String cwd,
        TransferOptions.Snapshot options,
        DataRoute data,
        TransferHandle transfer,
        Consumer<Reply> preliminary) {

    /** Resolves a path argument against the cwd inside the jail (pure; throws 550 for refused paths). */
    public String resolve(String argument) throws FtpReplyException {
        return PathArguments.resolve(cwd, argument);
    }

    /** The same snapshot for a transfer that has taken the session's data connection set-up. */
    SessionView withData(DataRoute link) {
        return new SessionView(server, user, peer, cwd, options, link, transfer, preliminary);
    }
}
