package ftp.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Where the load goes and how each session connects: address, account, explicit TLS or not, and the time limits
 * that keep every step bounded. Immutable; any thread.
 *
 * @param tlsProtocol {@code TLSv1.3}, {@code TLSv1.2}, or null for the JDK's choice
 */
record Target(String host, InetAddress address, int port, String user, String password, boolean tls,
              String tlsProtocol, Duration replyTimeout, Duration transferTimeout, Watchdog watchdog) {

    Target withTls(boolean on) {
        return new Target(host, address, port, user, password, on, tlsProtocol, replyTimeout, transferTimeout,
                watchdog);
    }

    InetSocketAddress control() {
        return new InetSocketAddress(address, port);
    }

    int replyTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, replyTimeout.toMillis());
    }
}
