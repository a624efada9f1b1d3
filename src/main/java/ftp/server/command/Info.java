package ftp.server.command;

import ftp.server.CommandSpec;
import ftp.server.CommandTable;
import ftp.server.FtpReplyException;
import ftp.server.MlstFacts;
import ftp.server.Reply;
import ftp.server.Session;

import java.util.Locale;

/**
 * Cheap informational and mode commands answered on the selector thread: NOOP SYST FEAT OPTS HELP TYPE MODE
 * STRU. Stateless.
 */
public final class Info {
    private Info() {}

    /** FEAT's reply; the MLST line shows the facts the session has chosen. */
    static String features(MlstFacts mlst) {
        return String.join("\n",
                "Extensions supported:",
                " AUTH TLS",
                " PBSZ",
                " PROT",
                " EPRT",
                " EPSV",
                " MDTM",
                " MFMT",
                " SIZE",
                " REST STREAM",
                " MLST " + mlst.feature(),
                " UTF8",
                " TVFS",
                " HASH MD5*",
                " RANG STREAM",
                " AVBL",
                " XMD5",
                "End");
    }

    public static Reply noop(Session s, String arg) {
        return new Reply(200, "NOOP ok.");
    }

    public static Reply syst(Session s, String arg) {
        return new Reply(215, "UNIX Type: L8");
    }

    public static Reply feat(Session s, String arg) {
        return new Reply(211, features(s.options().mlstFacts()));
    }

    public static Reply opts(Session s, String arg) throws FtpReplyException {
        String[] words = arg.trim().split("\\s+", 2);
        String option = words[0].toUpperCase(Locale.ROOT);
        String value = words.length > 1 ? words[1].trim() : "";
        switch (option) {
            case "UTF8", "UTF-8" -> {
                if (value.isEmpty() || value.equalsIgnoreCase("ON")) {
                    return new Reply(200, "Always in UTF8 mode.");
                }
                throw new FtpReplyException(504, "UTF8 cannot be turned off.");
            }
            case "HASH" -> {
                if (value.isEmpty() || value.equalsIgnoreCase("MD5")) {
                    return new Reply(200, "MD5");
                }
                throw new FtpReplyException(501, "Unsupported algorithm: only MD5.");
            }
            case "MLST" -> {
                // RFC 3659 §7.9: the known facts named are chosen, the rest dropped; none named turns all off.
                MlstFacts chosen = MlstFacts.parse(value);
                s.options().setMlstFacts(chosen);
                return new Reply(200, chosen.chosen().isEmpty() ? "MLST OPTS" : "MLST OPTS " + chosen.chosen());
            }
            default -> throw new FtpReplyException(501, "Unknown option " + Session.printable(option) + ".");
        }
    }

    public static Reply help(CommandTable table, String arg) {
        if (!arg.isBlank()) {
            CommandSpec spec = table.find(arg.trim().toUpperCase(Locale.ROOT));
            return spec == null
                    ? new Reply(502, "Unknown command " + Session.printable(arg.trim()) + ".")
                    : new Reply(214, "Syntax: " + spec.help());
        }
        StringBuilder b = new StringBuilder("The following commands are recognized:\n");
        int column = 0;
        for (String verb : table.all().keySet()) {
            b.append(column == 0 ? " " : "").append(String.format(Locale.ROOT, "%-6s", verb));
            if (++column == 10) {
                b.append('\n');
                column = 0;
            }
        }
        if (column != 0) {
            b.append('\n');
        }
        // Listings carry no zone, so say which one they use (commons-net: setServerTimeZoneId("UTC")).
        b.append(" Times are UTC: LIST, STAT, MDTM, MFMT and MLST/MLSD.\n");
        return new Reply(214, b.append("Help OK.").toString());
    }

    public static Reply type(Session s, String arg) throws FtpReplyException {
        String t = arg.trim().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        switch (t) {
            case "A", "A N" -> {
                s.options().setBinary(false);
                return new Reply(200, "Type set to A.");
            }
            case "I", "L 8", "L8" -> {
                s.options().setBinary(true);
                return new Reply(200, "Type set to I.");
            }
            default -> throw new FtpReplyException(504, "Type " + Session.printable(t) + " not supported; use A or I.");
        }
    }

    public static Reply mode(Session s, String arg) throws FtpReplyException {
        if (arg.trim().equalsIgnoreCase("S")) {
            return new Reply(200, "Mode set to S.");
        }
        throw new FtpReplyException(504, "Only stream mode (S) is supported.");
    }

    public static Reply stru(Session s, String arg) throws FtpReplyException {
        if (arg.trim().equalsIgnoreCase("F")) {
            return new Reply(200, "Structure set to F.");
        }
        throw new FtpReplyException(504, "Only file structure (F) is supported.");
    }
}
