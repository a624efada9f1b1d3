package ftp.server;

import ftp.auth.Account;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Ends the sessions of accounts that were deleted or disabled after they logged in ({@code bin/ftpd user del}
 * or {@code user disable}). The server learns of such a change by reading
 * the accounts file, which it does only when the file changed (a stat otherwise), but even a stat is disk
 * work: so once a second the loop hands the names of its logged-in users to a worker, which posts back those
 * without an enabled account, and their sessions get 421 and close. At most one check is in flight.
 * Besides, a session's command that reaches a worker checks {@link #allows} first, so a deleted user can
 * change nothing in the moment before the check ends the session. Selector thread, except {@link #allows}.
 */
final class AccountWatch {
    private final ServerContext server;
    private final Consumer<Runnable> loop;
    private boolean checking;

    /** {@code loop} runs a task on the selector thread ({@link EventLoop#post}). */
    AccountWatch(ServerContext server, Consumer<Runnable> loop) {
        this.server = server;
        this.loop = loop;
    }

    /** Whether {@code user} still has an enabled account. Reads the accounts file if it changed: workers only. */
    static boolean allows(ServerContext server, String user) {
        return active(server.accounts().byName().get(user));
    }

    private static boolean active(Account account) {
        return account != null && account.enabled();
    }

    /** Selector thread, once a second: starts a check of the logged-in sessions' accounts unless one runs. */
    void sweep(Collection<Session> sessions) {
        if (checking) {
            return;
        }
        List<Session> loggedIn = new ArrayList<>();
        Set<String> users = new HashSet<>();
        for (Session s : sessions) {
            if (s.state() == Session.State.LOGGED_IN) {
                loggedIn.add(s);
                users.add(s.user().name());
            }
        }
        if (users.isEmpty()) {
            return;
        }
        checking = server.workers().trySubmit(() -> {
            Set<String> lost = new HashSet<>();
            try {
                Map<String, Account> accounts = server.accounts().byName(); // one look at the file for all users
                for (String user : users) {
                    if (!active(accounts.get(user))) {
                        lost.add(user);
                    }
                }
            } finally {
                loop.accept(() -> end(loggedIn, lost));
            }
        });
    }

    private void end(List<Session> loggedIn, Set<String> lost) {
        checking = false;
        for (Session s : loggedIn) {
            if (s.isOpen() && s.state() == Session.State.LOGGED_IN && lost.contains(s.user().name())) {
                s.endForLostAccount();
            }
        }
    }
}
