package ftp.tls;

import java.lang.ref.WeakReference;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.OptionalLong;
import java.util.Set;
import java.util.WeakHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager of one control session's private TLS context. The JDK asks a key manager for the server
 * certificate only during a full handshake (never when a session is resumed), so this is where we see every full
 * handshake the context makes, with its new session, and keep two promises {@link DataTls#resumes} relies on:
 * <ol>
 *   <li>exactly one full handshake runs on a control engine: the control connection's. A second client (a
 *       context shared by mistake) or a renegotiation is refused, so the context's sessions all descend from one
 *       control session or from data connections of that same client;</li>
 *   <li>no full handshake on a data connection (an engine registered with {@link #expectData}, or an
 *       {@link SSLSocket}) gets a session created in the same millisecond as the control session, so creation
 *       time tells the control session's lineage from any data connection's own fresh session (and from sessions
 *       resumed from one).</li>
 * </ol>
 * Called by the JDK on whichever thread runs the handshake (delegated tasks on workers, data handshakes on workers).
 */
final class ControlSessionKeyManager extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager certificates;
    private WeakReference<SSLSession> control = new WeakReference<>(null);
    private long controlCreationTime;
    private boolean controlChosen;
    /** Engines of this client's data connections (see {@link DataTls#serverEngine}); weak, they end with them. */
    private final Set<SSLEngine> dataEngines = Collections.newSetFromMap(new WeakHashMap<>());

    ControlSessionKeyManager(X509ExtendedKeyManager certificates) {
        this.certificates = certificates;
    }

    /** Creation time of the control session, or empty while no control handshake has chosen a certificate. */
    synchronized OptionalLong controlCreationTime() {
        return controlChosen ? OptionalLong.of(controlCreationTime) : OptionalLong.empty();
    }

    /** Marks {@code engine} as a data connection's: its full handshakes are judged as data, not as control. */
    synchronized void expectData(SSLEngine engine) {
        dataEngines.add(engine);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        SSLSession handshake = engine == null ? null : engine.getHandshakeSession();
        if (handshake == null || !(isData(engine) ? admitData(handshake) : admitControl(handshake))) {
            return null; // the handshake fails: no certificate
        }
        return certificates.chooseEngineServerAlias(keyType, issuers, engine);
    }

    private synchronized boolean isData(SSLEngine engine) {
        return dataEngines.contains(engine);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        SSLSession handshake = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
        if (handshake == null || !admitData(handshake)) {
            return null;
        }
        return certificates.chooseServerAlias(keyType, issuers, socket);
    }

    private synchronized boolean admitControl(SSLSession handshake) {
        if (!controlChosen) {
            controlChosen = true;
            controlCreationTime = handshake.getCreationTime();
            control = new WeakReference<>(handshake);
            return true;
        }
        // the JDK may ask once per candidate key type within the same handshake
        return control.get() == handshake;
    }

    private synchronized boolean admitData(SSLSession handshake) {
        return admitsDataSession(controlChosen, controlCreationTime, handshake.getCreationTime());
    }

    /** A data connection's fresh session must be distinguishable from the control session by creation time. */
    static boolean admitsDataSession(boolean controlKnown, long controlCreationTime, long dataCreationTime) {
        return controlKnown && dataCreationTime != controlCreationTime;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return certificates.getServerAliases(keyType, issuers);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null; // a server context never authenticates as a client
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return certificates.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return certificates.getPrivateKey(alias);
    }
}
