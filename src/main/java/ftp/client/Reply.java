package ftp.client;

import java.util.List;

/**
 * One server reply as received: its three-digit code and every line, in RFC 959 form (a multi-line reply's first
 * line is {@code 211-...}, its last {@code 211 ...}). Immutable; any thread.
 */
record Reply(int code, List<String> lines) {

    Reply {
        lines = List.copyOf(lines);
    }

    /** 1xx: the server has started and another reply will follow. */
    boolean isPreliminary() {
        return code / 100 == 1;
    }

    /** 2xx: done. */
    boolean isCompletion() {
        return code / 100 == 2;
    }

    /** 3xx: the server waits for the next command of a sequence (PASS, RNTO, REST ...). */
    boolean isIntermediate() {
        return code / 100 == 3;
    }

    /** The text of the first line, without its code: what most replies have to say. */
    String text() {
        String first = lines.get(0);
        return first.length() > 4 ? first.substring(4).trim() : "";
    }

    /** The lines between the first and the last of a multi-line reply, as sent (empty for a single line). */
    List<String> body() {
        return lines.size() > 2 ? lines.subList(1, lines.size() - 1) : List.of();
    }

    /** The code and text, as a person should see a refusal. */
    @Override
    public String toString() {
        return String.join("\n", lines);
    }
}
