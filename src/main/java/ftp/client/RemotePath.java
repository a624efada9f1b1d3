package ftp.client;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Server paths as the shell handles them: resolving what a user typed against the remote working directory
 * ({@code ~} meaning the home), and showing a path the way the prompt does ({@code ~}, {@code ~/sub}). Paths are
 * Unix-style strings as RFC 959 servers report them from PWD. Stateless; any thread.
 */
final class RemotePath {
    private RemotePath() {}

    /** The absolute, normalized form of {@code typed} ({@code .} and {@code ..} removed; never above the root). */
    static String resolve(String home, String cwd, String typed) {
        String path;
        if (typed.isEmpty() || typed.equals("~")) {
            path = home;
        } else if (typed.startsWith("~/")) {
            path = join(home, typed.substring(2));
        } else if (typed.startsWith("/")) {
            path = typed;
        } else {
            path = join(cwd, typed);
        }
        return normalize(path);
    }

    /** {@code ~} for the home, {@code ~/rest} below it, the absolute path elsewhere. */
    static String display(String home, String path) {
        String h = normalize(home);
        String p = normalize(path);
        if (p.equals(h)) {
            return "~";
        }
        if (h.equals("/")) {
            return "~" + p;
        }
        if (p.startsWith(h + "/")) {
            return "~" + p.substring(h.length());
        }
        return p;
    }

    /** The last component: what a file is called locally. */
    static String name(String path) {
        String p = normalize(path);
        return p.equals("/") ? "" : p.substring(p.lastIndexOf('/') + 1);
    }

    /** The directory that holds {@code path}. */
    static String parent(String path) {
        String p = normalize(path);
        int slash = p.lastIndexOf('/');
        return slash <= 0 ? "/" : p.substring(0, slash);
    }

    static String normalize(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/+")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static String join(String dir, String rest) {
        return dir.endsWith("/") ? dir + rest : dir + "/" + rest;
    }
}
