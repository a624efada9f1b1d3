package ftp.server;

import java.net.InetAddress;
import java.time.Duration;

/**
 * One session as {@code bin/ftpd who} and the metrics show it, copied on the selector thread: who (null
 * before login), from where, for how long, idle since, and what it is doing ({@code idle}, the command on a
 * worker, or the transfer with its bytes and average rate). Immutable.
 */
public record SessionSummary(String id, Session.State state, String user, InetAddress from, Duration connected,
                             Duration idle, String doing, long bytes, double bytesPerSecond) {
}
