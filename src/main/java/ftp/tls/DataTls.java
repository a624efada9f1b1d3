package ftp.tls;

import java.util.OptionalLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * Server-side TLS for data connections: their engine, and the check that a data connection
 * resumed its control connection's TLS session, which is what stops data-connection theft under TLS: a thief who
 * reaches the passive port first cannot resume a session whose secrets only the real client holds.
 *
 * <h2>How resumption is recognised (JDK 17, TLS 1.2 and 1.3, verified by {@code DataTlsTest})</h2>
 * The JDK gives the server no "was this handshake resumed?" flag, and a resumed session is a different
 * {@link SSLSession} object with, under TLS 1.3, a different {@code getId()}. Values stored with
 * {@code putValue} on the control session are <em>not</em> visible in the resumed one (the JDK rebuilds it from
 * its stateless session ticket), and storing any value makes the JDK fall back to single-use stateful TLS 1.3
 * tickets, which breaks clients that resume every data connection from the control session (Python's
 * {@code session=} idiom). What does survive, inside the ticket the server encrypted for itself, is the original
 * session's creation time; and every session, fresh or resumed, reports the {@link SSLSessionContext} of the
 * context that made it. So:
 * <ol>
 *   <li>each control session gets its own {@link SSLContext} ({@link TlsContexts#newSessionContext()}); its
 *       session cache and ticket keys belong to that client alone, so a session of another client (or of a
 *       throw-away client context) can never be resumed in it: such a client makes a full handshake;</li>
 *   <li>a full handshake always asks the key manager for the certificate; the context's
 *       {@link ControlSessionKeyManager} admits one control handshake per context and refuses any data-connection
 *       full handshake whose new session would carry the control session's creation time (same millisecond);
 *       it tells them apart because {@link #serverEngine} registers each data connection's engine with it;</li>
 *   <li>therefore a data session is the control session's lineage exactly when it belongs to the same session
 *       context and has the same creation time (and protocol). A thief's fresh handshake fails 2; a session
 *       resumed from a thief's own earlier data connection carries that connection's creation time.</li>
 * </ol>
 *
 * <h2>The data connection</h2>
 * The loop runs its handshake without blocking ({@link TlsChannel#forData}); the worker then transfers over a
 * {@link TlsStream}, which tells a cut upload from a complete one and holds back the TLS 1.3 ticket.
 *
 * <p>Stateless; any thread.
 */
public final class DataTls {
    private DataTls() {}

    /**
     * The server engine for a data connection of the control session whose private context is {@code ctx}, so
     * the client can resume; registered with the context's key manager as a data connection's (see above).
     */
    public static SSLEngine serverEngine(SSLContext ctx) {
        SSLEngine engine = ctx.createSSLEngine();
        TlsContexts.keyManagerOf(ctx.getServerSessionContext()).ifPresent(keys -> keys.expectData(engine));
        return engine;
    }

    /** True if {@code data} resumed {@code control} (or a data session resumed from it); see the class comment. */
    public static boolean resumes(SSLSession data, SSLSession control) {
        if (data == null || control == null || !data.isValid() || !control.isValid()) {
            return false;
        }
        SSLSessionContext sessions = control.getSessionContext();
        if (sessions == null || data.getSessionContext() != sessions) {
            return false;
        }
        OptionalLong controlCreated = TlsContexts.keyManagerOf(sessions)
                .map(ControlSessionKeyManager::controlCreationTime)
                .orElse(OptionalLong.empty());
        return controlCreated.isPresent()
                && controlCreated.getAsLong() == control.getCreationTime()
                && data.getCreationTime() == control.getCreationTime()
                && data.getProtocol().equals(control.getProtocol());
    }
}
