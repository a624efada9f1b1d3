package ftp.server.command;

import ftp.auth.LoginResult;
import ftp.server.CommandSpec.Checked;
import ftp.server.FtpReplyException;
import ftp.server.Outcome;
import ftp.server.Reply;
import ftp.server.ServerContext;
import ftp.server.Session;
import ftp.server.SessionView;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * USER, PASS and QUIT. An unknown user and a wrong password get the same reply after the same delay; the
 * password check runs on the password-check threads (never the workers, so a flood of logins cannot delay
 * other sessions' commands), and a failure is answered late by the loop's timer, so no thread sleeps. The
 * first login since the start waits for its home to be measured without holding a password-check thread.
 */
public final class Login {
    private Login() {}

    public static Reply user(Session s, String name) throws FtpReplyException {
        if (s.state() == Session.State.LOGGED_IN) {
            throw new FtpReplyException(503, "Already logged in.");
        }
        if (s.tlsRequiredButMissing()) {
            throw new FtpReplyException(530, "TLS is required: use AUTH TLS before logging in.");
        }
        s.expectPassword(name);
        return new Reply(331, "Password required for " + Session.printable(name) + ".");
    }

    public static Checked pass(Session s, String password) throws FtpReplyException {
        if (s.state() == Session.State.LOGGED_IN) {
            throw new FtpReplyException(503, "Already logged in.");
        }
        if (s.state() != Session.State.NEED_PASS) {
            throw new FtpReplyException(503, "Login with USER first.");
        }
        if (s.tlsRequiredButMissing()) {
            throw new FtpReplyException(530, "TLS is required: use AUTH TLS before logging in.");
        }
        Duration banned = s.server().throttle().banRemaining(s.peerAddress());
        if (!banned.isZero()) {
            // A connection opened before the ban must not go on guessing.
            s.send(bannedReply(banned));
            s.closeAfterFlush("login refused: address banned");
            return Checked.answer(null);
        }
        String name = s.pendingUser();
        return Checked.passwordCheck((view, a) -> check(view, name, a), password);
    }

    private static Outcome check(SessionView view, String name, String password) throws Exception {
        ServerContext server = view.server();
        LoginResult result = server.authenticator().authenticate(name, password.toCharArray());
        if (result instanceof LoginResult.Accepted accepted) {
            CompletableFuture<Outcome> loggedIn;
            try {
                // The 230 is sent by loggedIn, which may refuse instead (clients.max users logged in already).
                loggedIn = server.openUser(accepted.account()).thenApply(user -> new Outcome(List.of(),
                        s -> s.loggedIn(user, new Reply(230, "User " + name + " logged in."))));
            } catch (RejectedExecutionException full) {
                return busy("measuring homes");
            }
            // A first login waits for its home to be measured; the password thread moves on to other logins.
            return new Outcome(List.of(), s -> s.await(loggedIn));
        }
        if (result instanceof LoginResult.Busy) {
            return busy("checking passwords");
        }
        InetAddress peer = view.peer();
        return new Outcome(List.of(), s -> {
            s.loginFailed();
            boolean wasBanned = server.throttle().isBanned(peer);
            server.throttle().recordFailure(peer);
            Duration delay = server.throttle().delayAfterFailure(peer);
            Duration banned = server.throttle().banRemaining(peer);
            if (!banned.isZero()) {
                if (!wasBanned) {
                    server.events().banned(peer, server.settings().loginBanTime());
                }
                s.replyLater(delay, bannedReply(banned), true);
            } else {
                s.replyLater(delay, new Reply(530, "Login incorrect."), false);
            }
        });
    }

    private static Outcome busy(String doing) {
        return Outcome.of(new Reply(421, "Server busy " + doing + "; try again later."),
                s -> s.closeAfterFlush("login busy"));
    }

    /** The 421 for a banned address, with how long the ban lasts ("try again in 4 min 59 s"). */
    public static Reply bannedReply(Duration remaining) {
        long seconds = Math.max(1, remaining.getSeconds() + (remaining.getNano() > 0 ? 1 : 0)); // rounded up
        String in = seconds < 60 ? seconds + " s"
                : seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
        return new Reply(421, "Too many failed logins from your address; try again in " + in + ".");
    }

    public static Reply quit(Session s, String arg) {
        s.send(new Reply(221, "Goodbye."));
        s.closeAfterFlush("quit");
        return null;
    }
}
