package ftp.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PROXY headers as HAProxy's spec writes them: whole, byte by byte, followed by the client's bytes, and broken. */
class ProxyHeaderParserTest {
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 header: signature, version 2 and {@code command}, {@code family}, then {@code payload}. */
    private static byte[] v2(int command, int family, byte[] payload) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(SIGNATURE);
        b.write(0x20 | command);
        b.write(family);
        b.write(payload.length >> 8);
        b.write(payload.length & 0xFF);
        b.writeBytes(payload);
        return b.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static byte[] addresses(String source, String destination, int sourcePort, int destinationPort)
            throws Exception {
        return concat(InetAddress.getByName(source).getAddress(), InetAddress.getByName(destination).getAddress(),
                new byte[] {(byte) (sourcePort >> 8), (byte) sourcePort, (byte) (destinationPort >> 8),
                        (byte) destinationPort});
    }

    /** Feeds {@code bytes} whole; asserts the header is complete and whatever followed it is left. */
    private static ProxyHeader parseWhole(ProxyProtocol accepted, byte[] bytes, String expectedRest) throws Exception {
        ProxyHeaderParser parser = new ProxyHeaderParser(accepted);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        ProxyHeader h = parser.feed(in);
        assertThat(h).isNotNull();
        assertThat(StandardCharsets.US_ASCII.decode(in).toString()).isEqualTo(expectedRest);
        assertThat(parser.wanted()).isZero();
        return h;
    }

    /** Feeds one byte at a time, reading no more than {@link ProxyHeaderParser#wanted} allows, as the loop does. */
    private static ProxyHeader parseByteByByte(ProxyProtocol accepted, byte[] bytes) throws Exception {
        ProxyHeaderParser parser = new ProxyHeaderParser(accepted);
        int at = 0;
        ProxyHeader h = null;
        while (h == null) {
            int wanted = parser.wanted();
            assertThat(wanted).isPositive();
            assertThat(at + wanted).as("a read never passes the header's end").isLessThanOrEqualTo(bytes.length);
            for (int i = 0; i < wanted && h == null; i++) {
                h = parser.feed(ByteBuffer.wrap(bytes, at++, 1));
            }
        }
        assertThat(at).isEqualTo(bytes.length);
        return h;
    }

    private static InetSocketAddress at(String address, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    @Test
    void v1Tcp4GivesTheClientAndLeavesTheCommandThatFollows() throws Exception {
        ProxyHeader h = parseWhole(ProxyProtocol.V1, ascii("PROXY TCP4 192.0.2.7 10.0.0.1 51234 21\r\nUSER alice\r\n"),
                "USER alice\r\n");
        assertThat(h.kind()).isEqualTo(ProxyHeader.Kind.PROXIED);
        assertThat(h.source()).isEqualTo(at("192.0.2.7", 51234));
        assertThat(h.destination()).isEqualTo(at("10.0.0.1", 21));
    }

    @Test
    void v1Tcp6() throws Exception {
        ProxyHeader h = parseWhole(ProxyProtocol.ANY, ascii("PROXY TCP6 2001:db8::7 ::1 65535 2121\r\n"), "");
        assertThat(h.source()).isEqualTo(at("2001:db8::7", 65535));
        assertThat(h.destination()).isEqualTo(at("::1", 2121));
    }

    @Test
    void v1UnknownKeepsTheBalancersAddress() throws Exception {
        InetSocketAddress balancer = at("127.0.0.1", 40000);
        ProxyHeader bare = parseWhole(ProxyProtocol.V1, ascii("PROXY UNKNOWN\r\n"), "");
        ProxyHeader withRest = parseWhole(ProxyProtocol.V1, ascii("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\nQUIT\r\n"),
                "QUIT\r\n");
        assertThat(bare.kind()).isEqualTo(ProxyHeader.Kind.UNKNOWN);
        assertThat(bare.clientOr(balancer)).isEqualTo(balancer);
        assertThat(withRest.clientOr(balancer)).isEqualTo(balancer);
    }

    @Test
    void v2ProxyIpv4SkipsTlvsAndLeavesWhatFollows() throws Exception {
        byte[] tlvs = {0x04, 0x00, 0x03, 'a', 'b', 'c', 0x05, 0x00, 0x01, 0x7F}; // NOOP and UNIQUE_ID
        byte[] header = v2(1, 0x11, concat(addresses("127.0.0.2", "127.0.0.1", 40001, 2121), tlvs));
        ProxyHeader h = parseWhole(ProxyProtocol.V2, concat(header, ascii("FEAT\r\n")), "FEAT\r\n");
        assertThat(h.kind()).isEqualTo(ProxyHeader.Kind.PROXIED);
        assertThat(h.source()).isEqualTo(at("127.0.0.2", 40001));
        assertThat(h.destination()).isEqualTo(at("127.0.0.1", 2121));
    }

    @Test
    void v2ProxyIpv6() throws Exception {
        ProxyHeader h = parseWhole(ProxyProtocol.ANY, v2(1, 0x21, addresses("2001:db8::2", "2001:db8::1", 5, 21)), "");
        assertThat(h.source()).isEqualTo(at("2001:db8::2", 5));
    }

    @Test
    void v2LocalAndUnspecifiedAndUnixKeepTheBalancersAddress() throws Exception {
        InetSocketAddress balancer = at("10.1.1.1", 40000);
        ProxyHeader local = parseWhole(ProxyProtocol.V2, v2(0, 0x00, new byte[0]), "");
        ProxyHeader unspecified = parseWhole(ProxyProtocol.V2, v2(1, 0x00, new byte[0]), "");
        ProxyHeader unix = parseWhole(ProxyProtocol.V2, v2(1, 0x31, new byte[216]), "");
        assertThat(local.kind()).isEqualTo(ProxyHeader.Kind.LOCAL);
        assertThat(unspecified.kind()).isEqualTo(ProxyHeader.Kind.UNKNOWN);
        assertThat(unix.kind()).isEqualTo(ProxyHeader.Kind.UNKNOWN);
        assertThat(local.clientOr(balancer)).isEqualTo(balancer);
        assertThat(unspecified.clientOr(balancer)).isEqualTo(balancer);
    }

    @Test
    void byteByByteNoReadPassesTheHeadersEnd() throws Exception {
        assertThat(parseByteByByte(ProxyProtocol.V1, ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n")).source())
                .isEqualTo(at("1.2.3.4", 1));
        assertThat(parseByteByByte(ProxyProtocol.ANY, ascii("PROXY TCP4 255.255.255.255 5.6.7.8 65535 2121\r\n"))
                .source()).isEqualTo(at("255.255.255.255", 65535));
        assertThat(parseByteByByte(ProxyProtocol.ANY, ascii("PROXY TCP6 ::1 ::2 1 2\r\n")).source())
                .isEqualTo(at("::1", 1));
        assertThat(parseByteByByte(ProxyProtocol.ANY, ascii("PROXY UNKNOWN\r\n")).kind())
                .isEqualTo(ProxyHeader.Kind.UNKNOWN);
        assertThat(parseByteByByte(ProxyProtocol.V2, v2(1, 0x11, addresses("127.0.0.3", "127.0.0.1", 9, 21)))
                .source()).isEqualTo(at("127.0.0.3", 9));
        assertThat(parseByteByByte(ProxyProtocol.ANY, v2(0, 0x00, new byte[0])).kind())
                .isEqualTo(ProxyHeader.Kind.LOCAL);
    }

    @Test
    void aV1LineLongerThan107BytesIsRefusedWithoutItsEnd() {
        byte[] longLine = ascii("PROXY UNKNOWN " + "x".repeat(200));
        ProxyHeaderParser parser = new ProxyHeaderParser(ProxyProtocol.V1);
        ByteBuffer in = ByteBuffer.wrap(longLine);
        assertThatThrownBy(() -> parser.feed(in)).isInstanceOf(MalformedProxyHeaderException.class)
                .hasMessageContaining("107");
        assertThat(in.position()).isEqualTo(107);
    }

    @Test
    void aV2HeaderAnnouncingMoreThanTheBoundIsRefusedAtItsLength() {
        byte[] fixed = v2(1, 0x11, new byte[0]);
        fixed[14] = (byte) 0xFF; // 65535 bytes announced
        fixed[15] = (byte) 0xFF;
        assertThatThrownBy(() -> new ProxyHeaderParser(ProxyProtocol.V2).feed(ByteBuffer.wrap(fixed)))
                .isInstanceOf(MalformedProxyHeaderException.class).hasMessageContaining("longer than");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "USER alice\r\n",                               // a client that does not come through the balancer
        "GET / HTTP/1.0\r\n",
        "PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n",              // a field missing
        "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n",          // one too many
        "PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n",
        "PROXY TCP4 example.org 5.6.7.8 1 2\r\n",        // a name: never looked up
        "PROXY TCP4 ::1 5.6.7.8 1 2\r\n",
        "PROXY TCP6 1.2.3.4 ::1 1 2\r\n",
        "PROXY TCP6 ::g ::1 1 2\r\n",
        "PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n",
        "PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n",
        "PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n",
        "PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n",
        "proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n",
    })
    void garbageAndBrokenV1LinesAreRefused(String text) {
        assertThatThrownBy(() -> new ProxyHeaderParser(ProxyProtocol.ANY).feed(ByteBuffer.wrap(ascii(text))))
                .isInstanceOf(MalformedProxyHeaderException.class);
    }

    @Test
    void aWrongSignatureIsRefusedAtItsFirstWrongByte() {
        byte[] header = v2(1, 0x11, new byte[12]);
        header[7] = 'X';
        ByteBuffer in = ByteBuffer.wrap(header);
        assertThatThrownBy(() -> new ProxyHeaderParser(ProxyProtocol.V2).feed(in))
                .isInstanceOf(MalformedProxyHeaderException.class).hasMessageContaining("signature");
        assertThat(in.position()).isEqualTo(8);
    }

    @Test
    void aV2HeaderOfAnotherVersionOrCommandOrTooShortForItsAddressesIsRefused() throws Exception {
        byte[] version3 = v2(1, 0x11, addresses("1.2.3.4", "5.6.7.8", 1, 2));
        version3[12] = 0x31;
        byte[] command2 = v2(2, 0x11, addresses("1.2.3.4", "5.6.7.8", 1, 2));
        byte[] short4 = v2(1, 0x11, new byte[11]);
        byte[] short6 = v2(1, 0x21, addresses("1.2.3.4", "5.6.7.8", 1, 2));
        for (byte[] bad : new byte[][] {version3, command2, short4, short6}) {
            assertThatThrownBy(() -> new ProxyHeaderParser(ProxyProtocol.V2).feed(ByteBuffer.wrap(bad)))
                    .isInstanceOf(MalformedProxyHeaderException.class);
        }
    }

    @Test
    void theOtherVersionThanTheOneSetIsRefused() throws Exception {
        byte[] v2 = v2(1, 0x11, addresses("1.2.3.4", "5.6.7.8", 1, 2));
        assertThatThrownBy(() -> new ProxyHeaderParser(ProxyProtocol.V1).feed(ByteBuffer.wrap(v2)))
                .isInstanceOf(MalformedProxyHeaderException.class).hasMessageContaining("v2");
        assertThatThrownBy(() -> new ProxyHeaderParser(ProxyProtocol.V2)
                .feed(ByteBuffer.wrap(ascii("PROXY UNKNOWN\r\n"))))
                .isInstanceOf(MalformedProxyHeaderException.class).hasMessageContaining("v1");
    }

    @Test
    void balancerAddressesMatchLiteralsAndBlocksOnly() throws Exception {
        BalancerAddresses from = BalancerAddresses.parse("127.0.0.1, 10.8.0.0/14 ,fd00::/8");
        assertThat(from.contains(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(from.contains(InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThat(from.contains(InetAddress.getByName("10.11.255.255"))).isTrue();
        assertThat(from.contains(InetAddress.getByName("10.12.0.0"))).isFalse();
        assertThat(from.contains(InetAddress.getByName("fd12::1"))).isTrue();
        assertThat(from.contains(InetAddress.getByName("fe80::1"))).isFalse();
        assertThat(BalancerAddresses.parse(" ").isEmpty()).isTrue();
        for (String bad : new String[] {"lb.example.org", "10.0.0.0/33", "::1/129", "300.1.1.1", "10.0.0.0/x"}) {
            assertThatThrownBy(() -> BalancerAddresses.parse(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
