package ftp.fs;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * This process's name among the nodes sharing a home root: the host name and the process id, so two nodes
 * on one machine, or a node and its own restart, never share a name. It tags quota leases and the names of
 * temporary files. Any thread.
 */
public final class NodeName {
    private static final String HOST = host();
    private static final String CURRENT = HOST + "-" + ProcessHandle.current().pid();

    private NodeName() {}

    public static String current() {
        return CURRENT;
    }

    /**
     * Whether {@code node} names a process of this machine that no longer runs (a node killed and restarted):
     * its leases need not wait for their expiry. Names of other machines are never judged here.
     */
    public static boolean diedHere(String node) {
        if (!node.startsWith(HOST + "-")) {
            return false;
        }
        String pid = node.substring(HOST.length() + 1);
        if (pid.isEmpty() || pid.length() > 18 || !pid.chars().allMatch(Character::isDigit)) {
            return false;
        }
        return ProcessHandle.of(Long.parseLong(pid)).map(p -> !p.isAlive()).orElse(true);
    }

    private static String host() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        StringBuilder b = new StringBuilder();
        for (char c : host.toCharArray()) {
            b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-'
                    ? c : '_');
        }
        return b.toString();
    }
}
