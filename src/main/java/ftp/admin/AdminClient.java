package ftp.admin;

import ftp.server.ServerSettings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code who}, {@code ban list} and {@code ban clear ADDR}: asks the running server over its admin channel
 * and prints the answer. Exit 0 with the answer on stdout; 1 with the server's reason on stderr; 3 when no
 * server runs (as {@code status} says {@code stopped}). Main thread.
 */
final class AdminClient {
    private static final int MAX_ANSWER = 16 << 20;

    private final Path socket;

    AdminClient(Path confDir) throws IOException {
        this.socket = AdminEndpoints.socket(ServerSettings.load(confDir));
    }

    int who(List<String> args) throws IOException {
        if (!args.isEmpty()) {
            throw new IllegalArgumentException("who takes no arguments");
        }
        return ask("who");
    }

    int ban(List<String> args) throws IOException {
        if (args.size() == 1 && args.get(0).equals("list")) {
            return ask("ban list");
        }
        if (args.size() == 2 && args.get(0).equals("clear")) {
            return ask("ban clear " + args.get(1));
        }
        throw new IllegalArgumentException("ban list | ban clear ADDRESS");
    }

    private int ask(String request) throws IOException {
        if (!Files.exists(socket)) {
            System.err.println("ftpd: not running (no admin channel at " + socket + ")");
            return 3;
        }
        AdminReply reply;
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            reply = AdminReply.parse(readAll(channel));
        } catch (java.net.ConnectException e) {
            System.err.println("ftpd: not running (" + socket + " refuses connections)");
            return 3;
        }
        if (!reply.ok()) {
            System.err.println("ftpd: " + reply.text());
            return 1;
        }
        System.out.print(reply.text());
        return 0;
    }

    private static String readAll(SocketChannel channel) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer) >= 0 && all.size() < MAX_ANSWER) {
            all.write(buffer.array(), 0, buffer.position());
            buffer.clear();
        }
        return all.toString(StandardCharsets.UTF_8);
    }
}
