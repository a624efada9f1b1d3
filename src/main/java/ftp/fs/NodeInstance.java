package ftp.fs;

/**
 * This process among the nodes sharing a home root: the node's name ({@code node.name}) and the process id,
 * so a node and its own restart never share an identity, even when node names are left to their default.
 * It names quota leases and temporary files. Stateless; any thread.
 */
public final class NodeInstance {
    private static final long PID = ProcessHandle.current().pid();

    private NodeInstance() {}

    /** This process's identity as node {@code nodeName}. */
    public static String of(String nodeName) {
        return nodeName + "-" + PID;
    }

    /**
     * Whether {@code other} is an earlier process of the same node as {@code own} (same node name, so the
     * same machine) that no longer runs, such as the node before a kill and restart: its leases need not
     * wait for their expiry. Identities of other nodes are never judged here.
     */
    static boolean earlierProcessOf(String other, String own) {
        int dash = own.lastIndexOf('-');
        if (dash < 0 || other.equals(own) || !other.startsWith(own.substring(0, dash + 1))) {
            return false;
        }
        String pid = other.substring(dash + 1);
        if (pid.isEmpty() || pid.length() > 18 || !pid.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        return ProcessHandle.of(Long.parseLong(pid)).map(p -> !p.isAlive()).orElse(true);
    }
}
