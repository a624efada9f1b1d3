package ftp.server.command;

import ftp.server.FtpReplyException;
import ftp.server.Reply;
import ftp.server.Session;
import ftp.server.data.ActiveRoute;
import ftp.server.data.PassiveRoute;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * PASV, EPSV (and EPSV ALL), PORT and EPRT. Passive listeners accept only the control peer's address; active
 * connections go only to the control peer's address and to ports from 1024 up, so the server can never be
 * used to bounce traffic to a third host (FTP bounce). Selector thread: parsing and a bind, no disk.
 */
public final class DataSetup {
    private static final int LOWEST_ACTIVE_PORT = 1024;

    private DataSetup() {}

    public static Reply pasv(Session s, String arg) throws FtpReplyException {
        if (s.options().epsvAll()) {
            throw new FtpReplyException(503, "EPSV ALL is in effect; use EPSV.");
        }
        PassiveRoute l = open(s);
        InetAddress announced = announcedAddress(s);
        if (!(announced instanceof Inet4Address)) {
            throw new FtpReplyException(522, "PASV needs IPv4; use EPSV.");
        }
        byte[] a = announced.getAddress();
        int port = l.port();
        return new Reply(227, "Entering Passive Mode (" + (a[0] & 0xff) + "," + (a[1] & 0xff) + ","
                + (a[2] & 0xff) + "," + (a[3] & 0xff) + "," + (port >> 8) + "," + (port & 0xff) + ").");
    }

    public static Reply epsv(Session s, String arg) throws FtpReplyException {
        String a = arg.trim();
        if (a.equalsIgnoreCase("ALL")) {
            s.options().markEpsvAll();
            return new Reply(200, "EPSV ALL accepted.");
        }
        if (!a.isEmpty() && !a.equals(family(s))) {
            throw unsupportedFamily(s);
        }
        PassiveRoute l = open(s);
        return new Reply(229, "Entering Extended Passive Mode (|||" + l.port() + "|).");
    }

    public static Reply port(Session s, String arg) throws FtpReplyException {
        if (s.options().epsvAll()) {
            throw new FtpReplyException(503, "EPSV ALL is in effect; PORT is refused.");
        }
        String[] parts = arg.trim().split(",");
        if (parts.length != 6) {
            throw new FtpReplyException(501, "Syntax: PORT h1,h2,h3,h4,p1,p2");
        }
        int[] n = new int[6];
        for (int i = 0; i < 6; i++) {
            try {
                n[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new FtpReplyException(501, "Syntax: PORT h1,h2,h3,h4,p1,p2");
            }
            if (n[i] < 0 || n[i] > 255) {
                throw new FtpReplyException(501, "PORT numbers must be 0-255.");
            }
        }
        InetAddress address;
        try {
            address = InetAddress.getByAddress(new byte[] {(byte) n[0], (byte) n[1], (byte) n[2], (byte) n[3]});
        } catch (UnknownHostException e) {
            throw new FtpReplyException(501, "Bad address.");
        }
        return active(s, address, n[4] * 256 + n[5], "PORT");
    }

    public static Reply eprt(Session s, String arg) throws FtpReplyException {
        if (s.options().epsvAll()) {
            throw new FtpReplyException(503, "EPSV ALL is in effect; EPRT is refused.");
        }
        String a = arg.trim();
        if (a.length() < 7) {
            throw new FtpReplyException(501, "Syntax: EPRT |proto|address|port|");
        }
        char d = a.charAt(0);
        String[] f = a.substring(1).split(java.util.regex.Pattern.quote(String.valueOf(d)), -1);
        if (f.length != 4 || !f[3].isEmpty()) {
            throw new FtpReplyException(501, "Syntax: EPRT |proto|address|port|");
        }
        // Only literals: "cafe" or "dead.beef" would otherwise be looked up in DNS on the selector thread.
        boolean literal = f[0].equals("1") ? f[1].matches("\\d{1,3}(\\.\\d{1,3}){3}")
                : f[1].matches("[0-9a-fA-F:][0-9a-fA-F.:]{1,44}") && f[1].indexOf(':') >= 0; // ".:1" would be looked up
        if (!literal) {
            throw new FtpReplyException(501, "Bad address.");
        }
        if (!f[0].equals(family(s))) {
            throw unsupportedFamily(s);
        }
        int port;
        InetAddress address;
        try {
            port = Integer.parseInt(f[2]);
            // IPv4 by hand: getByName takes "999.0.0.1" for a host name and asks DNS, on the selector thread.
            address = f[0].equals("1") ? ipv4(f[1]) : InetAddress.getByName(f[1]);
        } catch (NumberFormatException | UnknownHostException e) {
            throw new FtpReplyException(501, "Bad address or port.");
        }
        if (port < 1 || port > 65535) {
            throw new FtpReplyException(501, "Bad port.");
        }
        return active(s, address, port, "EPRT");
    }

    /**
     * The one address family (RFC 2428: 1 = IPv4, 2 = IPv6) a data connection can use: the control connection's,
     * since passive listeners bind its local address and active connections go to its peer. A dual-stack listener
     * sees an IPv4 client as IPv4.
     */
    private static String family(Session s) throws FtpReplyException {
        try {
            return s.localAddress().getAddress() instanceof Inet6Address ? "2" : "1";
        } catch (IOException e) {
            throw new FtpReplyException(425, "Cannot tell the connection's address.");
        }
    }

    private static FtpReplyException unsupportedFamily(Session s) throws FtpReplyException {
        return new FtpReplyException(522, "Network protocol not supported, use (" + family(s) + ").");
    }

    /** A dotted-quad literal, each part 0-255; never a lookup. */
    private static InetAddress ipv4(String text) throws UnknownHostException {
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                throw new UnknownHostException("not an IPv4 address");
            }
            bytes[i] = (byte) v;
        }
        return InetAddress.getByAddress(bytes);
    }

    private static Reply active(Session s, InetAddress address, int port, String verb) throws FtpReplyException {
        if (!address.equals(s.peerAddress())) {
            throw new FtpReplyException(504, verb + " refused: the address must be your own (no third-party transfers).");
        }
        if (port < LOWEST_ACTIVE_PORT) {
            throw new FtpReplyException(504, verb + " refused: ports below " + LOWEST_ACTIVE_PORT + " are not allowed.");
        }
        s.setDataRoute(new ActiveRoute(new InetSocketAddress(address, port),
                s.server().settings().dataTimeout()), null);
        return new Reply(200, verb + " command successful.");
    }

    private static PassiveRoute open(Session s) throws FtpReplyException {
        if (!s.server().settings().passiveEnabled()) {
            throw new FtpReplyException(502, "Passive mode is turned off.");
        }
        try {
            PassiveRoute l = s.openPassive();
            if (l == null) {
                throw new FtpReplyException(425, "No passive port available; try again later.");
            }
            return l;
        } catch (IOException e) {
            throw new FtpReplyException(425, "Cannot open a passive listener.");
        }
    }

    private static InetAddress announcedAddress(Session s) throws FtpReplyException {
        Optional<InetAddress> configured = s.server().settings().passiveAddress();
        try {
            if (configured.isPresent() && !s.peerAddress().isLoopbackAddress()) {
                return configured.get();
            }
            return s.localAddress().getAddress();
        } catch (IOException e) {
            throw new FtpReplyException(425, "Cannot tell the passive address.");
        }
    }
}
