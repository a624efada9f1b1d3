package ftp.server.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses allowed to send a PROXY header ({@code listen.proxy_from}): a comma-separated list of
 * literal addresses and CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}). Literals only, so that checking
 * a connection never waits on the DNS. Immutable; any thread.
 */
public final class BalancerAddresses {
    private record Block(byte[] network, int prefixBits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return rest == 0 || (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Block> blocks;
    private final String text;

    private BalancerAddresses(List<Block> blocks, String text) {
        this.blocks = blocks;
        this.text = text;
    }

    /** Parses {@code text}; an {@link IllegalArgumentException} names the entry that is not an address or block. */
    public static BalancerAddresses parse(String text) {
        List<Block> blocks = new ArrayList<>();
        for (String entry : text.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int slash = e.indexOf('/');
            byte[] network = literal(slash < 0 ? e : e.substring(0, slash), e);
            int bits = network.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(e.substring(slash + 1));
                } catch (NumberFormatException x) {
                    bits = -1;
                }
                if (bits < 0 || bits > network.length * 8) {
                    throw new IllegalArgumentException(e + " has a prefix length out of 0.." + network.length * 8);
                }
            }
            blocks.add(new Block(network, bits));
        }
        return new BalancerAddresses(List.copyOf(blocks), text.trim());
    }

    private static byte[] literal(String address, String entry) {
        boolean v4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}")
                && java.util.Arrays.stream(address.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
        boolean v6 = address.contains(":") && address.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            throw new IllegalArgumentException(entry
                    + " is not an IP address or CIDR block (host names are not allowed)");
        }
        try {
            return InetAddress.getByName(address).getAddress(); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(entry + " is not an IP address or CIDR block", e);
        }
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Block b : blocks) {
            if (b.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
