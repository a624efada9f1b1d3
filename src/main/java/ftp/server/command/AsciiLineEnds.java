package ftp.server.command;

/**
 * TYPE A downloads end lines in CRLF (RFC 959's NVT-ASCII): a LF not preceded by a CR gains one, nothing else
 * changes. One rule for what RETR sends and for what SIZE counts. Pure; any thread.
 */
final class AsciiLineEnds {
    private AsciiLineEnds() {}

    /** Whether {@code b}, coming after {@code previous}, is sent as CR then {@code b}. */
    static boolean gainsCr(byte b, byte previous) {
        return b == '\n' && previous != '\r';
    }
}
