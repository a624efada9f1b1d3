package ftp.fs;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The client's view of paths: absolute, {@code /}-separated, rooted at the user's home. Resolving is pure
 * string work (no disk, no URL or Unicode decoding of any kind), so any thread may call it, the event loop
 * included. What it lets through can only name something inside the jail; {@link UserFileSystem} then
 * makes sure symbolic links don't lead out.
 */
public final class VirtualPaths {
    /** Longest name of one path segment, in UTF-8 bytes (the usual NAME_MAX). */
    public static final int MAX_SEGMENT_BYTES = 255;
    /** Longest argument or resolved path, in UTF-8 bytes (the usual PATH_MAX). */
    public static final int MAX_PATH_BYTES = 4096;
    /** The server's bookkeeping folder inside each home, refused to every command. */
    public static final String BOOKKEEPING = "/.upload";

    private static final String INVALID = "Invalid path";
    private static final String NAME_TOO_LONG = "File name too long";
    private static final String PATH_TOO_LONG = "Path too long";

    private VirtualPaths() {}

    /**
     * Resolves {@code argument} against {@code cwd}: relative arguments start at cwd, {@code .} and empty
     * segments vanish, {@code ..} pops but stops at {@code /} (like chroot). Refuses backslashes, the
     * characters of {@link #isForbidden}, unpaired surrogates, segments over 255 bytes and paths over 4096
     * bytes. Look-alikes such as {@code ．．／} or {@code %2e%2e} stay ordinary characters of a name.
     *
     * @return a normalized absolute path, {@code /} or {@code /a/b}
     */
    public static String resolve(String cwd, String argument) throws PathRefusedException {
        String arg = argument == null ? "" : argument;
        if (utf8Length(arg) > MAX_PATH_BYTES) {
            throw new PathRefusedException(PATH_TOO_LONG);
        }
        Deque<String> segments = new ArrayDeque<>();
        if (!arg.startsWith("/")) {
            push(segments, cwd == null ? "/" : cwd);
        }
        push(segments, arg);
        String result = join(segments);
        if (utf8Length(result) > MAX_PATH_BYTES) {
            throw new PathRefusedException(PATH_TOO_LONG);
        }
        return result;
    }

    /** True for {@code /.upload} and everything below it (exact case). Expects a resolved path. */
    public static boolean isBookkeeping(String virtualPath) {
        return virtualPath.equals(BOOKKEEPING) || virtualPath.startsWith(BOOKKEEPING + "/");
    }

    /** The directory holding a resolved path; the root is its own parent. */
    public static String parent(String virtualPath) {
        int slash = virtualPath.lastIndexOf('/');
        return slash <= 0 ? "/" : virtualPath.substring(0, slash);
    }

    /** The last segment of a resolved path; the root's name is {@code /}. */
    public static String name(String virtualPath) {
        if (virtualPath.equals("/")) {
            return "/";
        }
        return virtualPath.substring(virtualPath.lastIndexOf('/') + 1);
    }

    /** The resolved path of {@code name} inside the resolved directory {@code dir}. */
    public static String child(String dir, String name) {
        return dir.equals("/") ? "/" + name : dir + "/" + name;
    }

    /**
     * True when {@code name} could be one segment of a resolved path. Listings skip other names (created
     * outside FTP), because no command could address them and a CR, LF or bidi override in one would corrupt
     * replies, listings and logs.
     */
    public static boolean isValidName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0) {
            return false;
        }
        try {
            checkSegment(name);
            return true;
        } catch (PathRefusedException e) {
            return false;
        }
    }

    private static void push(Deque<String> segments, String path) throws PathRefusedException {
        int start = 0;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            String segment = path.substring(start, end);
            checkSegment(segment);
            if (segment.equals("..")) {
                segments.pollLast();
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                segments.addLast(segment);
            }
            start = end + 1;
        }
    }

    private static void checkSegment(String segment) throws PathRefusedException {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '\\' || isForbidden(c)) {
                throw new PathRefusedException(INVALID);
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= segment.length() || !Character.isLowSurrogate(segment.charAt(i + 1))) {
                    throw new PathRefusedException(INVALID);
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                throw new PathRefusedException(INVALID);
            }
        }
        if (utf8Length(segment) > MAX_SEGMENT_BYTES) {
            throw new PathRefusedException(NAME_TOO_LONG);
        }
    }

    /**
     * Characters no name may hold: controls (Unicode category Cc, NUL to US and DEL to APC), the line and
     * paragraph separators U+2028 and U+2029 (many readers end a line there), and the bidi controls that make
     * a name display in another order than its bytes (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C).
     * Other format characters stay allowed: U+200D joins emoji sequences in ordinary names.
     */
    private static boolean isForbidden(char c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            default -> (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
                    || c == '\u200e' || c == '\u200f' || c == '\u061c';
        };
    }

    private static String join(Deque<String> segments) {
        if (segments.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder();
        for (String segment : segments) {
            out.append('/').append(segment);
        }
        return out.toString();
    }

    /** UTF-8 length without encoding; a surrogate pair counts 4, each half 2 (halves alone are refused anyway). */
    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }
}
