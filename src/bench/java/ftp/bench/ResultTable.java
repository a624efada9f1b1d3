package ftp.bench;

import java.util.List;
import java.util.Locale;

/**
 * The closing summary: one markdown row per scenario run, its headline number and the details that explain it.
 * Reads finished result lines only; any thread.
 */
final class ResultTable {
    private ResultTable() {}

    static String render(List<JsonLine> results) {
        StringBuilder b = new StringBuilder();
        b.append("| scenario | result | details |\n|---|---|---|\n");
        for (JsonLine r : results) {
            String name = r.get("scenario") + (Boolean.TRUE.equals(r.get("tls")) ? " (TLS)" : "");
            String[] cells = r.has("error") ? new String[] {"FAILED", String.valueOf(r.get("error"))} : cells(r);
            b.append("| ").append(name).append(" | ").append(cells[0]).append(" | ")
                    .append(cells[1].replace("|", "/")).append(" |\n");
        }
        return b.toString();
    }

    private static String[] cells(JsonLine r) {
        return switch (String.valueOf(r.get("scenario"))) {
            case "retr", "stor" -> new String[] {
                f("%s MiB/s (%s–%s)", r.get("median"), r.get("min"), r.get("max")),
                f("%s MiB x %d runs, server/client CPU %s%%/%s%%, size %s", mib(r.get("bytes")),
                        ((List<?>) r.get("runs")).size(), r.get("server_cpu_pct"), r.get("client_cpu_pct"),
                        Boolean.TRUE.equals(r.get("size_ok")) ? "ok" : "WRONG")
                        + (r.get("hash_verb") == null ? "" : f("; %s after upload: %s ms, digest %s",
                                r.get("hash_verb"), r.get("hash_ms"), Boolean.TRUE.equals(r.get("hash_ok")) ? "ok" : "WRONG"))};
            case "small" -> new String[] {
                f("%s ops/s", r.get("value")),
                f("p50 %s / p99 %s ms, %s µs server CPU per op, server/client CPU %s%%/%s%%, errors %s",
                        r.get("p50_ms"), r.get("p99_ms"), r.get("server_cpu_us_per_op"), r.get("server_cpu_pct"),
                        r.get("client_cpu_pct"), r.get("errors"))};
            case "logins" -> new String[] {
                f("%s logins/s", r.get("value")),
                f("p50 %s / p99 %s ms, %s µs server CPU per login, errors %s; first login %s ms; PBKDF2 x%s here %s ms",
                        r.get("p50_ms"), r.get("p99_ms"), r.get("server_cpu_us_per_op"), r.get("errors"),
                        r.get("first_login_ms"), r.get("pbkdf2_iterations"), r.get("local_pbkdf2_ms"))};
            case "idle" -> new String[] {
                f("%s / %s sessions", r.get("value"), r.get("requested")),
                r.has("rss_before_kib")
                        ? f("RSS %s → %s MiB%s: %s KiB/session (PSS %s)%s, processes %s → %s, threads %s → %s",
                                mib1024(r.get("rss_before_kib")), mib1024(r.get("rss_after_kib")),
                                Boolean.TRUE.equals(r.get("full_gc")) ? " after full GC" : "",
                                r.get("rss_per_session_kib"), r.get("pss_per_session_kib"),
                                r.get("heap_per_session_kib") == null ? ""
                                        : f(", live heap %s KiB/session", r.get("heap_per_session_kib")),
                                r.get("nproc_before"), r.get("nproc_after"),
                                r.get("threads_before"), r.get("threads_after"))
                        : "server memory not visible"};
            case "list-under-load" -> new String[] {
                f("%s p99 %s ms", r.get("list_cmd"), r.get("p99_ms")),
                f("p50 %s ms, max %s ms, %s listings while %s clients downloaded %s MiB/s in all, errors %s",
                        r.get("p50_ms"), r.get("max_ms"), r.get("lists"), r.get("load_clients"),
                        r.get("download_mib_s"), r.get("errors"))};
            case "stall" -> new String[] {
                f("MKD+CWD+NLST+CWD ..+RMD p99 %s ms", r.get("p99_ms")),
                f("p50 %s ms, max %s ms, %s rounds beside %s sessions per attack, %s HASHes of %s MiB uploads "
                        + "(p50 %s ms), errors %s", r.get("p50_ms"), r.get("max_ms"), r.get("rounds"),
                        r.get("load_clients"), r.get("hashes"), r.get("upload_mib"), r.get("hash_p50_ms"),
                        r.get("errors"))};
            default -> new String[] {String.valueOf(r.get("value")), ""};
        };
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static String mib(Object bytes) {
        return bytes instanceof Number n ? Long.toString(n.longValue() >> 20) : "?";
    }

    private static String mib1024(Object kib) {
        return kib instanceof Number n ? f("%.1f", n.doubleValue() / 1024) : "?";
    }
}
