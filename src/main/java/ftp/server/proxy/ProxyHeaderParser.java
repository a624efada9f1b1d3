package ftp.server.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one PROXY protocol header (HAProxy's spec, v1 text or v2 binary) from bytes that arrive in pieces.
 * It takes only the header's own bytes: whatever follows (the client's first command, a TLS ClientHello)
 * stays in the buffer, and {@link #wanted} says how many bytes may be read from the socket without passing
 * the header's end, so nothing after it is ever taken off the socket. Bounded: a v1 line is at most 107
 * bytes, a v2 header at most 16 + {@link #MAX_V2_PAYLOAD}. Not thread-safe: one per connection, used by the
 * selector thread.
 */
public final class ProxyHeaderParser {
    /** The longest v1 line the spec allows, CRLF included. */
    static final int MAX_V1_LENGTH = 107;
    /** Addresses (at most 216 bytes, for unix sockets) plus room for TLVs, which are skipped. */
    static final int MAX_V2_PAYLOAD = 1024;
    private static final byte[] V1_SIGNATURE = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {
        0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int V2_FIXED_LENGTH = 16;
    /** "PROXY UNKNOWN\r\n", the shortest v1 line, is shorter than v2's fixed part: reading it never overshoots. */
    private static final int SHORTEST_V1 = 15;

    private final ProxyProtocol accepted;
    private final byte[] header = new byte[V2_FIXED_LENGTH + MAX_V2_PAYLOAD];
    private int length;
    private int version; // 0 until the first byte says which
    private ProxyHeader result;

    public ProxyHeaderParser(ProxyProtocol accepted) {
        if (accepted == ProxyProtocol.OFF) {
            throw new IllegalArgumentException("no PROXY header is expected");
        }
        this.accepted = accepted;
    }

    /** The header, once complete; null before. */
    public ProxyHeader result() {
        return result;
    }

    /** How many bytes the header still needs at least (0 once complete): a socket read of this many never overshoots. */
    public int wanted() {
        if (result != null) {
            return 0;
        }
        if (version == 2) {
            return length < V2_FIXED_LENGTH ? V2_FIXED_LENGTH - length : V2_FIXED_LENGTH + v2PayloadLength() - length;
        }
        return Math.max(1, shortestV1() - length);
    }

    /**
     * Takes header bytes from {@code in} (and nothing past the header); returns the header once complete, null
     * while more bytes are needed.
     */
    public ProxyHeader feed(ByteBuffer in) throws MalformedProxyHeaderException {
        while (result == null && in.hasRemaining()) {
            take(in.get());
        }
        return result;
    }

    private void take(byte b) throws MalformedProxyHeaderException {
        if (length == 0) {
            version = b == V1_SIGNATURE[0] ? 1 : b == V2_SIGNATURE[0] ? 2 : 0;
            if (version == 0) {
                throw new MalformedProxyHeaderException("no PROXY protocol signature");
            }
            if (!accepted.accepts(version)) {
                throw new MalformedProxyHeaderException("PROXY protocol v" + version + " header where "
                        + accepted.name().toLowerCase(java.util.Locale.ROOT) + " is expected");
            }
        }
        header[length++] = b;
        if (version == 1) {
            takeV1();
        } else {
            takeV2();
        }
    }

    // ---------------------------------------------------------------- v1: "PROXY TCP4 src dst sport dport\r\n"

    private void takeV1() throws MalformedProxyHeaderException {
        if (length <= V1_SIGNATURE.length && header[length - 1] != V1_SIGNATURE[length - 1]) {
            throw new MalformedProxyHeaderException("no PROXY protocol signature");
        }
        if (length >= 2 && header[length - 2] == '\r' && header[length - 1] == '\n') {
            result = parseV1(new String(header, 0, length - 2, StandardCharsets.US_ASCII));
        } else if (length >= MAX_V1_LENGTH) {
            throw new MalformedProxyHeaderException("PROXY v1 line longer than " + MAX_V1_LENGTH + " bytes");
        }
    }

    /** The shortest a complete v1 line can be, given the protocol word read so far: lets reads take more than a byte. */
    private int shortestV1() {
        if (length >= 11 && startsWith("PROXY TCP4 ")) {
            return 32; // PROXY TCP4 1.1.1.1 1.1.1.1 1 1\r\n
        }
        if (length >= 11 && startsWith("PROXY TCP6 ")) {
            return 24; // PROXY TCP6 ::1 ::1 1 1\r\n
        }
        return SHORTEST_V1;
    }

    private boolean startsWith(String prefix) {
        return new String(header, 0, prefix.length(), StandardCharsets.US_ASCII).equals(prefix);
    }

    private static ProxyHeader parseV1(String line) throws MalformedProxyHeaderException {
        String[] f = line.split(" ", -1);
        if (f.length >= 2 && f[1].equals("UNKNOWN")) {
            return ProxyHeader.withoutAddress(ProxyHeader.Kind.UNKNOWN); // the rest of the line is to be ignored
        }
        if (f.length != 6 || !(f[1].equals("TCP4") || f[1].equals("TCP6"))) {
            throw new MalformedProxyHeaderException("PROXY v1 line is not TCP4, TCP6 or UNKNOWN with four fields");
        }
        boolean v4 = f[1].equals("TCP4");
        InetAddress source = v4 ? ipv4Text(f[2]) : ipv6Text(f[2]);
        InetAddress destination = v4 ? ipv4Text(f[3]) : ipv6Text(f[3]);
        return ProxyHeader.proxied(new InetSocketAddress(source, portText(f[4])),
                new InetSocketAddress(destination, portText(f[5])));
    }

    /** Dotted quad only, parsed here: InetAddress.getByName would look a name up in the DNS. */
    private static InetAddress ipv4Text(String s) throws MalformedProxyHeaderException {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw new MalformedProxyHeaderException("PROXY v1 address is not an IPv4 address");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) decimal(parts[i], 3, 255, "PROXY v1 address is not an IPv4 address");
        }
        return byAddress(bytes);
    }

    private static InetAddress ipv6Text(String s) throws MalformedProxyHeaderException {
        if (s.isEmpty() || s.length() > 45 || !s.contains(":") || !s.chars().allMatch(c -> Character.digit(c, 16) >= 0
                || c == ':' || c == '.')) {
            throw new MalformedProxyHeaderException("PROXY v1 address is not an IPv6 address");
        }
        try {
            return InetAddress.getByName(s); // a literal with ':' is parsed, never looked up
        } catch (UnknownHostException e) {
            throw new MalformedProxyHeaderException("PROXY v1 address is not an IPv6 address");
        }
    }

    private static int portText(String s) throws MalformedProxyHeaderException {
        return decimal(s, 5, 65535, "PROXY v1 port is not a number from 0 to 65535");
    }

    private static int decimal(String s, int maxDigits, int max, String error) throws MalformedProxyHeaderException {
        if (s.isEmpty() || s.length() > maxDigits || !s.chars().allMatch(c -> c >= '0' && c <= '9')
                || (s.length() > 1 && s.charAt(0) == '0')) {
            throw new MalformedProxyHeaderException(error);
        }
        int v = Integer.parseInt(s);
        if (v > max) {
            throw new MalformedProxyHeaderException(error);
        }
        return v;
    }

    // ---------------------------------------------------------------- v2: signature, ver/cmd, family, length, payload

    private int v2PayloadLength() {
        return ((header[14] & 0xFF) << 8) | (header[15] & 0xFF);
    }

    private void takeV2() throws MalformedProxyHeaderException {
        if (length <= V2_SIGNATURE.length && header[length - 1] != V2_SIGNATURE[length - 1]) {
            throw new MalformedProxyHeaderException("no PROXY protocol signature");
        }
        if (length == 13 && (header[12] & 0xF0) != 0x20) {
            throw new MalformedProxyHeaderException("PROXY v2 header of an unknown version");
        }
        if (length == 13 && (header[12] & 0x0F) > 1) {
            throw new MalformedProxyHeaderException("PROXY v2 command is neither LOCAL nor PROXY");
        }
        if (length == V2_FIXED_LENGTH && v2PayloadLength() > MAX_V2_PAYLOAD) {
            throw new MalformedProxyHeaderException("PROXY v2 header longer than " + (V2_FIXED_LENGTH + MAX_V2_PAYLOAD)
                    + " bytes");
        }
        if (length >= V2_FIXED_LENGTH && length == V2_FIXED_LENGTH + v2PayloadLength()) {
            result = parseV2();
        }
    }

    /** The addresses come first in the payload; TLVs after them are skipped (nothing here needs them). */
    private ProxyHeader parseV2() throws MalformedProxyHeaderException {
        if ((header[12] & 0x0F) == 0) {
            return ProxyHeader.withoutAddress(ProxyHeader.Kind.LOCAL);
        }
        int family = (header[13] & 0xF0) >> 4;
        int addressBytes = family == 1 ? 4 : family == 2 ? 16 : 0;
        if (addressBytes == 0) {
            return ProxyHeader.withoutAddress(ProxyHeader.Kind.UNKNOWN); // unspecified or unix: no IP address
        }
        if (v2PayloadLength() < 2 * addressBytes + 4) {
            throw new MalformedProxyHeaderException("PROXY v2 payload too short for its addresses");
        }
        int at = V2_FIXED_LENGTH;
        InetAddress source = byAddress(Arrays.copyOfRange(header, at, at + addressBytes));
        InetAddress destination = byAddress(Arrays.copyOfRange(header, at + addressBytes, at + 2 * addressBytes));
        int ports = at + 2 * addressBytes;
        int sourcePort = ((header[ports] & 0xFF) << 8) | (header[ports + 1] & 0xFF);
        int destinationPort = ((header[ports + 2] & 0xFF) << 8) | (header[ports + 3] & 0xFF);
        return ProxyHeader.proxied(new InetSocketAddress(source, sourcePort),
                new InetSocketAddress(destination, destinationPort));
    }

    private static InetAddress byAddress(byte[] bytes) throws MalformedProxyHeaderException {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new MalformedProxyHeaderException("PROXY header address of a wrong length");
        }
    }
}
