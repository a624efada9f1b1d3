package ftp.admin;

/**
 * The answer to one admin request as it crosses the admin channel: a line {@code ok} or {@code error}, then
 * the text (the table, or what went wrong). Immutable.
 */
record AdminReply(boolean ok, String text) {
    static AdminReply ok(String text) {
        return new AdminReply(true, text);
    }

    static AdminReply error(String message) {
        return new AdminReply(false, message);
    }

    String render() {
        return (ok ? "ok" : "error") + "\n" + text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n");
    }

    /** Reads what {@link #render} wrote; anything else is an error reply that quotes it. */
    static AdminReply parse(String wire) {
        int newline = wire.indexOf('\n');
        String status = newline < 0 ? wire : wire.substring(0, newline);
        String text = newline < 0 ? "" : wire.substring(newline + 1);
        return switch (status) {
            case "ok" -> ok(text);
            case "error" -> error(text.strip());
            default -> error("unexpected answer from the server: " + wire.strip());
        };
    }
}
