package ftp.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's certificate, loaded once, and a fresh private {@link SSLContext} for each control session (made in
 * about 0.1 ms, so the event loop may call it when it accepts {@code AUTH TLS}). The control connection and all
 * of that client's data connections use the same private context: its session cache and session-ticket keys are
 * shared with nobody, which is what lets {@link DataTls#resumes} prove a data connection resumed <em>this</em>
 * client's session. A context refuses a second control handshake, so it cannot be shared by mistake.
 * Immutable after construction; any thread.
 */
public final class TlsContexts {
    /** Private contexts' session contexts, to find the key manager that watched their handshakes. */
    private static final Map<SSLSessionContext, ControlSessionKeyManager> WATCHED =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final X509ExtendedKeyManager certificates;

    public TlsContexts(KeyManager[] keyManagers) {
        this.certificates = Arrays.stream(keyManagers)
                .filter(X509ExtendedKeyManager.class::isInstance)
                .map(X509ExtendedKeyManager.class::cast)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no X.509 key manager"));
    }

    /** Loads {@code p12} (slow: run it at start-up, not on the event loop). */
    public static TlsContexts load(Path p12, char[] password) throws IOException {
        return new TlsContexts(KeyMaterial.keyManagers(p12, password));
    }

    /** A context for one control session and its data connections. */
    public SSLContext newSessionContext() {
        ControlSessionKeyManager keyManager = new ControlSessionKeyManager(certificates);
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keyManager}, null, null);
            WATCHED.put(context.getServerSessionContext(), keyManager);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make a TLS context", e);
        }
    }

    /** The key manager of a context made here, by its server session context. */
    static Optional<ControlSessionKeyManager> keyManagerOf(SSLSessionContext sessions) {
        return sessions == null ? Optional.empty() : Optional.ofNullable(WATCHED.get(sessions));
    }
}
