package ftp.server.command;

import ftp.auth.LoginResult;
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

    public static Reply pass(Session s, String password) throws FtpReplyException {
        if (s.state() == Session.State.LOGGED_IN) {
            throw new FtpReplyException(503, "Already logged in.");
        }
        if (s.state() != Session.State.NEED_PASS) {
            throw new FtpReplyException(503, "Login with USER first.");
        }
        if (s.tlsRequiredButMissing()) {
            throw new FtpReplyException(530, "TLS is required: use AUTH TLS before logging in.");
        }
        if (s.server().throttle().isBanned(s.peerAddress())) {
            // A connection opened before the ban must not go on guessing.
            s.send(new Reply(421, "Too many failed logins from your address; try again later."));
            s.closeAfterFlush("login refused: address banned");
            return null;
        }
        String name = s.pendingUser();
        s.submitPasswordCheck((view, a) -> check(view, name, password), password);
        return null;
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
            return new Outcome(List.of(), s -> s.await("PASS", loggedIn));
        }
        if (result instanceof LoginResult.Busy) {
            return busy("checking passwords");
        }
        InetAddress peer = view.peer();
        return new Outcome(List.of(), s -> {
            s.loginFailed();
            server.throttle().recordFailure(peer);
            Duration delay = server.throttle().delayAfterFailure(peer);
            if (server.throttle().isBanned(peer)) {
                s.replyLater(delay, new Reply(421, "Too many failed logins; try again later."), true);
            } else {
                s.replyLater(delay, new Reply(530, "Login incorrect."), false);
            }
        });
    }

    private static Outcome busy(String doing) {
        return Outcome.of(new Reply(421, "Server busy " + doing + "; try again later."),
                s -> s.closeAfterFlush("login busy"));
    }

    public static Reply quit(Session s, String arg) {
        s.send(new Reply(221, "Goodbye."));
        s.closeAfterFlush("quit");
        return null;
    }
}
