package ftp.server;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What {@code node.name} may be, and its default: this machine's short host name. Stateless; any thread. */
final class NodeName {
    static final int MAX_LENGTH = 64;

    private NodeName() {}

    static boolean valid(String name) {
        return name.length() >= 1 && name.length() <= MAX_LENGTH && name.matches("[A-Za-z0-9._-]+");
    }

    /**
     * The kernel's host name (read from /proc, so no resolver is asked), up to its first dot, with anything
     * a token may not hold replaced; "ftpd" when there is none.
     */
    static String ofThisHost() {
        String host;
        try {
            host = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).trim();
        } catch (IOException | RuntimeException e) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException ex) {
                host = "";
            }
        }
        int dot = host.indexOf('.');
        String shortName = (dot > 0 ? host.substring(0, dot) : host).replaceAll("[^A-Za-z0-9._-]", "-");
        shortName = shortName.substring(0, Math.min(shortName.length(), MAX_LENGTH));
        return shortName.isEmpty() ? "ftpd" : shortName;
    }
}
