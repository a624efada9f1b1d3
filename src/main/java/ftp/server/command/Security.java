package ftp.server.command;

import ftp.server.FtpReplyException;
import ftp.server.Reply;
import ftp.server.Session;

import java.util.Locale;

/**
 * RFC 4217: AUTH TLS (alias AUTH SSL), PBSZ, PROT and the refused CCC. Selector thread.
 */
public final class Security {
    private Security() {}

    public static Reply auth(Session s, String arg) throws FtpReplyException {
        String mechanism = arg.trim().toUpperCase(Locale.ROOT);
        if (!mechanism.equals("TLS") && !mechanism.equals("SSL") && !mechanism.equals("TLS-C")
                && !mechanism.equals("TLS-P")) {
            throw new FtpReplyException(504, "Unsupported mechanism; use AUTH TLS.");
        }
        if (s.server().tls() == null) {
            throw new FtpReplyException(534, "TLS is turned off on this server.");
        }
        if (s.tlsActive()) {
            throw new FtpReplyException(503, "TLS is already active.");
        }
        s.startTls(new Reply(234, "AUTH " + mechanism + " successful; start the TLS handshake."));
        return null;
    }

    public static Reply pbsz(Session s, String arg) throws FtpReplyException {
        if (!s.tlsActive()) {
            throw new FtpReplyException(503, "PBSZ needs AUTH TLS first.");
        }
        s.options().markPbszDone();
        return new Reply(200, "PBSZ=0");
    }

    public static Reply prot(Session s, String arg) throws FtpReplyException {
        if (!s.tlsActive()) {
            throw new FtpReplyException(503, "PROT needs AUTH TLS first.");
        }
        if (!s.options().pbszDone()) {
            throw new FtpReplyException(503, "PROT needs PBSZ 0 first.");
        }
        switch (arg.trim().toUpperCase(Locale.ROOT)) {
            case "P" -> {
                s.options().setProtectedData(true);
                return new Reply(200, "Data connections will be protected.");
            }
            case "C" -> {
                s.options().setProtectedData(false);
                return new Reply(200, "Data connections will be in clear text.");
            }
            case "S", "E" -> throw new FtpReplyException(536, "Only PROT P and PROT C are supported.");
            default -> throw new FtpReplyException(504, "Unknown protection level.");
        }
    }

    public static Reply ccc(Session s, String arg) throws FtpReplyException {
        throw new FtpReplyException(534, "CCC refused: the control connection stays encrypted.");
    }
}
