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
 * Ends the sessions of accounts that were deleted or disabled after they logged in ({@code bin/ftpd user del},
 * or {@code enabled = false} written into the accounts file). The server learns of such a change by reading
 * the accounts file, which it does only when the file changed (a stat otherwise), but even a stat is disk
 * work: so once a second the loop hands the names of its logged-in users to a worker, which posts back those
 * without an enabled account, and their sessions get 421 and close. At most one check is in flight.
 * Besides, a session's command that reaches a worker checks {@link #allows} first, so a deleted user can
 * change nothing between the check's answer and the end of the session. That is a read of the set the last
 * check found, not a look at the file: commands are not slowed by a stat each (so an account deleted less than
 * a second ago may still run one). Selector thread, except {@link #allows}.
 */
final class AccountWatch {
    private final ServerContext server;
    private final Consumer<Runnable> loop;
    private boolean checking;
    /** The users the last check found without an enabled account; replaced whole, read by workers. */
    private volatile Set<String> lost = Set.of();

    /** {@code loop} runs a task on the selector thread ({@link EventLoop#post}). */
    AccountWatch(ServerContext server, Consumer<Runnable> loop) {
        this.server = server;
        this.loop = loop;
    }

    /** Whether the last check left {@code user} an enabled account; any thread. */
    boolean allows(String user) {
        return !lost.contains(user);
    }

    /** Selector thread: {@code user} just proved an enabled account by logging in. */
    void loggedIn(String user) {
        if (lost.contains(user)) {
            Set<String> rest = new HashSet<>(lost);
            rest.remove(user);
            lost = Set.copyOf(rest);
        }
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
            lost = Set.of();
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
                this.lost = Set.copyOf(lost); // at once: workers refuse these users before their sessions end
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
