package ftp.admin;

import ftp.auth.LoginThrottle.Ban;
import ftp.fs.ByteSize;
import ftp.log.LogField;
import ftp.server.FtpServer;
import ftp.server.ServerContext;
import ftp.server.SessionSummary;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * What the admin channel answers, from the running server: {@code who} (the sessions: who, from where, since
 * when, doing what at what rate), {@code ban list} and {@code ban clear ADDR}. Client-chosen text in the
 * answers is escaped like in the log, so a file name cannot drive the admin's terminal. Admin thread.
 */
final class AdminRequests implements Function<String, AdminReply> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final String WHO = "%-16s %-10s %-12s %-15s %-19s %6s  %s%n";
    private static final String BANS = "%-39s %-19s %8s  %s%n";

    private final FtpServer server;
    private final ZoneId zone;

    AdminRequests(FtpServer server, ZoneId zone) {
        this.server = server;
        this.zone = zone;
    }

    @Override
    public AdminReply apply(String request) {
        List<String> words = List.of(request.trim().split("\\s+"));
        return switch (String.join(" ", words.subList(0, Math.min(2, words.size())))) {
            case "who" -> who();
            case "ban list" -> banList();
            case "ban clear" -> words.size() == 3 ? banClear(words.get(2)) : AdminReply.error("ban clear ADDRESS");
            default -> AdminReply.error("unknown request: " + LogField.quote(request));
        };
    }

    private AdminReply who() {
        List<SessionSummary> sessions;
        try {
            sessions = server.sessions().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return AdminReply.error("the server did not list its sessions within 5 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AdminReply.error("interrupted");
        }
        if (sessions.isEmpty()) {
            return AdminReply.ok("no sessions\n");
        }
        Instant now = Instant.now();
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, WHO, "SESSION", "STATE", "USER", "FROM",
                "SINCE", "IDLE", "DOING"));
        for (SessionSummary s : sessions) {
            String doing = LogField.quote(s.doing());
            if (s.bytes() > 0) {
                doing += " " + ByteSize.human(s.bytes()) + " at " + ByteSize.human((long) s.bytesPerSecond()) + "/s";
            }
            b.append(String.format(Locale.ROOT, WHO, s.id(), s.state().name().toLowerCase(Locale.ROOT),
                    LogField.quote(s.user()), s.from().getHostAddress(),
                    TIME.format(now.minus(s.connected()).atZone(zone)), duration(s.idle()), doing));
        }
        return AdminReply.ok(b.toString());
    }

    private AdminReply banList() {
        List<Ban> bans = server.throttle().bans();
        if (bans.isEmpty()) {
            return AdminReply.ok("no bans\n");
        }
        Instant now = Instant.now();
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, BANS, "ADDRESS", "UNTIL", "LEFT", "FAILURES"));
        for (Ban ban : bans) {
            b.append(String.format(Locale.ROOT, BANS, client(ban.client()),
                    TIME.format(ban.until().atZone(zone)), duration(Duration.between(now, ban.until())),
                    ban.failures()));
        }
        return AdminReply.ok(b.toString());
    }

    private AdminReply banClear(String text) {
        InetAddress address;
        try {
            address = literal(text);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return AdminReply.error("not an IP address: " + LogField.quote(text));
        }
        if (!server.throttle().clear(address)) {
            return AdminReply.error("no ban on " + address.getHostAddress());
        }
        ServerContext.LOG.warning(() -> "ban cleared from=" + LogField.quote(address.getHostAddress()) + " by=admin");
        return AdminReply.ok("ban on " + address.getHostAddress() + " lifted\n");
    }

    /** A banned client as the admin reads it: an IPv4 address, or an IPv6 /64 network. */
    private static String client(InetAddress client) {
        return client instanceof Inet6Address ? client.getHostAddress().replaceFirst("(:0)+$", "::") + "/64"
                : client.getHostAddress();
    }

    /** An IPv4 or IPv6 literal (an IPv6 one may end in /64); never a host name, so no name lookup. */
    private static InetAddress literal(String text) throws UnknownHostException {
        if (text.endsWith("/64") && text.indexOf(':') >= 0) {
            text = text.substring(0, text.length() - 3);
        }
        if (text.isEmpty() || !text.chars().allMatch(c -> c == '.' || c == ':' || Character.digit(c, 16) >= 0)
                || (text.indexOf('.') < 0 && text.indexOf(':') < 0)) {
            throw new IllegalArgumentException(text);
        }
        return InetAddress.getByName(text);
    }

    /** {@code 45s}, {@code 4m59s}, {@code 2h03m}: what a person reads at a glance. */
    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + String.format(Locale.ROOT, "%02ds", s % 60);
        }
        return s / 3600 + "h" + String.format(Locale.ROOT, "%02dm", s / 60 % 60);
    }
}
