package ftp.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * Hands out listening ports from {@code passive.ports}, round-robin so a port just released (perhaps in
 * TIME_WAIT) is the last to be tried again. Binding is a quick system call, not disk I/O, so this runs on the
 * selector thread. Selector thread only.
 */
final class PassivePorts {
    private final int first;
    private final int last;
    private int cursor;

    PassivePorts(ServerSettings settings) {
        this.first = settings.passivePortFirst();
        this.last = settings.passivePortLast();
        this.cursor = first;
    }

    /** A listener bound on {@code address}, or null when every port of the range is taken. */
    ServerSocketChannel open(InetAddress address) throws IOException {
        int span = last - first + 1;
        for (int i = 0; i < span; i++) {
            int port = cursor;
            cursor = cursor == last ? first : cursor + 1;
            ServerSocketChannel ch = ServerSocketChannel.open();
            try {
                ch.bind(new InetSocketAddress(address, port), 1);
                return ch;
            } catch (BindException e) {
                ch.close();
            }
        }
        return null;
    }
}
