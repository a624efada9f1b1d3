package ftp.client;

import java.net.ProtocolException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the client reads out of reply texts: the port of a passive-mode reply ({@code 229 ... (|||6446|)} from
 * EPSV, {@code 227 ... (h1,h2,h3,h4,p1,p2)} from PASV), the path of a {@code 257} reply, and the digest of a HASH or
 * XMD5 reply. The host a PASV reply names is ignored on purpose: the client connects to the control connection's
 * peer, which defeats bounce tricks and servers behind NAT announcing a private address. Stateless; any thread.
 */
final class ReplyText {
    private static final Pattern EPSV = Pattern.compile("\\((.)\\1\\1(\\d{1,5})\\1\\)");
    private static final Pattern PASV =
            Pattern.compile("(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3}),(\\d{1,3})");

    private ReplyText() {}

    static int epsvPort(Reply reply) throws ProtocolException {
        Matcher m = EPSV.matcher(reply.text());
        if (reply.code() != 229 || !m.find()) {
            throw new ProtocolException("cannot read the port in: " + reply);
        }
        return checked(Integer.parseInt(m.group(2)), reply);
    }

    static int pasvPort(Reply reply) throws ProtocolException {
        Matcher m = PASV.matcher(reply.text());
        if (reply.code() != 227 || !m.find()) {
            throw new ProtocolException("cannot read the address in: " + reply);
        }
        int high = Integer.parseInt(m.group(5));
        int low = Integer.parseInt(m.group(6));
        if (high > 255 || low > 255) {
            throw new ProtocolException("not a port: " + reply);
        }
        return checked(high * 256 + low, reply);
    }

    private static int checked(int port, Reply reply) throws ProtocolException {
        if (port < 1 || port > 65535) {
            throw new ProtocolException("not a port: " + reply);
        }
        return port;
    }

    /** The path inside the quotes of a 257 reply, with doubled quotes undone (RFC 959). */
    static String quotedPath(Reply reply) throws ProtocolException {
        String text = reply.text();
        int start = text.indexOf('"');
        if (start < 0) {
            throw new ProtocolException("no path in: " + reply);
        }
        StringBuilder path = new StringBuilder();
        for (int i = start + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    path.append('"');
                    i++;
                } else {
                    return path.toString();
                }
            } else {
                path.append(c);
            }
        }
        throw new ProtocolException("unterminated path in: " + reply);
    }

    /** The digest of a {@code 213 MD5 0-100 hex path} HASH reply. */
    static String hashDigest(Reply reply) throws ProtocolException {
        String[] fields = reply.text().split(" ", 4);
        if (fields.length < 3 || !isMd5(fields[2])) {
            throw new ProtocolException("cannot read the digest in: " + reply);
        }
        return fields[2].toLowerCase(Locale.ROOT);
    }

    /** The first 32-hex-digit word of an XMD5 reply ({@code 250 hex} or {@code 251 path hex}). */
    static String xmd5Digest(Reply reply) throws ProtocolException {
        for (String word : reply.text().split("\\s+")) {
            if (isMd5(word)) {
                return word.toLowerCase(Locale.ROOT);
            }
        }
        throw new ProtocolException("cannot read the digest in: " + reply);
    }

    private static boolean isMd5(String word) {
        if (word.length() != 32) {
            return false;
        }
        try {
            HexFormat.of().parseHex(word);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
