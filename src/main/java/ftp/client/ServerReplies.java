package ftp.client;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Server replies as the user reads them: always with their code, and in a language other than English with the
 * common texts translated. A text this client knows (our server's words for the usual refusals, which most servers
 * share) is replaced by its translation; any other text of the common codes (421, 530, 550, 552, 553) gets the
 * code's meaning with the server's words after it; the rest is shown as sent, like everything in English, the
 * servers' own language. Stateless; any thread.
 */
final class ServerReplies {
    /** Beginnings of reply texts, lower case, and the message that says the same. */
    private static final List<Map.Entry<String, String>> PHRASES = List.of(
            Map.entry("no such file or directory", "reply.not_found"),
            Map.entry("permission denied", "reply.denied"),
            Map.entry("not a directory", "reply.not_directory"),
            Map.entry("is a directory", "reply.is_directory"),
            Map.entry("directory not empty", "reply.not_empty"),
            Map.entry("file exists", "reply.exists"),
            Map.entry("not a regular file", "reply.not_file"),
            Map.entry("login incorrect", "reply.login_incorrect"),
            Map.entry("exceeded storage allocation", "reply.quota"),
            Map.entry("please login with user and pass", "reply.login_first"),
            Map.entry("tls is required", "reply.tls_required"),
            Map.entry("server shutting down", "reply.shutdown"),
            Map.entry("idle timeout", "reply.idle"),
            Map.entry("too many failed logins", "reply.too_many_failures"));
    private static final List<Integer> COMMON = List.of(421, 530, 550, 552, 553);

    private ServerReplies() {}

    static String describe(Reply reply, Messages messages) {
        if (messages.isEnglish()) {
            return reply.toString();
        }
        String text = reply.text();
        String lower = text.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> phrase : PHRASES) {
            if (lower.startsWith(phrase.getKey())) {
                return reply.code() + " " + messages.get(phrase.getValue());
            }
        }
        if (COMMON.contains(reply.code())) {
            return messages.get("reply.other", reply.code(), messages.get("reply." + reply.code()), text);
        }
        return reply.toString();
    }
}
