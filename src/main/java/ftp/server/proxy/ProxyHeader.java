package ftp.server.proxy;

import java.net.InetSocketAddress;

/**
 * A parsed PROXY protocol header: who the balancer says the client is. {@code source} is null when the header
 * names no client ({@link Kind#LOCAL}, {@link Kind#UNKNOWN}): the connection is then taken as the balancer's
 * own. Immutable; any thread.
 */
public record ProxyHeader(Kind kind, InetSocketAddress source, InetSocketAddress destination) {
    public enum Kind {
        /** A relayed client connection with its addresses. */
        PROXIED,
        /** v2 LOCAL: the balancer's own connection (a health check). */
        LOCAL,
        /** v1 UNKNOWN, or a v2 family with no IP address (unspecified, unix): the balancer's address stands. */
        UNKNOWN
    }

    public static ProxyHeader proxied(InetSocketAddress source, InetSocketAddress destination) {
        return new ProxyHeader(Kind.PROXIED, source, destination);
    }

    public static ProxyHeader withoutAddress(Kind kind) {
        return new ProxyHeader(kind, null, null);
    }

    /** The client's address: the one in the header, else the balancer's ({@code connectedFrom}). */
    public InetSocketAddress clientOr(InetSocketAddress connectedFrom) {
        return source != null ? source : connectedFrom;
    }
}
