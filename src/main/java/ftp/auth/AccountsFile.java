package ftp.auth;

import ftp.fs.ByteSize;
import ftp.fs.QuotaLedger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The text of {@code accounts.ini} as sections of lines, parsed strictly and edited in place, so that
 * a change to one user keeps every other user's lines, comments and order exactly as the admin wrote them.
 * <pre>
 * # comment               ; comment too
 * [egon]
 * password = pbkdf2-sha256:600000:SALT:HASH
 * quota = 100M            # or none; no quota line means the server's default
 * files = 100000          # files and folders, or none; no files line means the server's default
 * enabled = true          # optional, true when missing
 * </pre>
 * Keys are case-insensitive, names case-sensitive. A comment runs from {@code #} or {@code ;} to the end of
 * the line; no value the file holds can contain either. Mutable and not thread-safe: one thread builds,
 * edits and renders it while holding the store's lock.
 */
final class AccountsFile {
    private static final String PASSWORD = "password";
    private static final String QUOTA = "quota";
    private static final String FILES = "files";
    private static final String ENABLED = "enabled";

    /**
     * What one section says, with {@code quotaIsDefault} and {@code filesIsDefault} kept so a missing quota or
     * files line stays missing.
     */
    record Entry(String name, String passwordHash, OptionalLong quota, boolean quotaIsDefault, OptionalLong files,
                 boolean filesIsDefault, boolean enabled) {
        Account toAccount(OptionalLong defaultQuota, OptionalLong defaultFiles) {
            return new Account(name, passwordHash, quotaIsDefault ? defaultQuota : quota,
                    filesIsDefault ? defaultFiles : files, enabled);
        }

        Entry withQuota(OptionalLong newQuota) {
            return new Entry(name, passwordHash, newQuota, false, files, filesIsDefault, enabled);
        }

        Entry withFiles(OptionalLong newFiles) {
            return new Entry(name, passwordHash, quota, quotaIsDefault, newFiles, false, enabled);
        }

        @Override
        public String toString() {
            return "Entry[name=" + name + "]";
        }
    }

    /** Thrown with the line number and what is wrong; never with a value that could be a password hash. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(int line, String problem) {
            super("line " + line + ": " + problem);
        }
    }

    /** A user's lines: comments directly above the header, the header, its keys, what follows up to the next user. */
    private static final class Section {
        final List<String> lines = new ArrayList<>();
        Entry entry;
    }

    private final List<String> preamble = new ArrayList<>();
    private final Map<String, Section> sections = new LinkedHashMap<>();

    static AccountsFile empty() {
        return new AccountsFile();
    }

    static AccountsFile parse(List<String> lines) throws MalformedException {
        AccountsFile file = new AccountsFile();
        List<String> current = file.preamble;
        SectionBuilder builder = null;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = i == 0 && lines.get(0).startsWith("\uFEFF") ? lines.get(0).substring(1) : lines.get(i);
            String text = stripComment(line).trim();
            if (text.isEmpty()) {
                current.add(line);
            } else if (text.startsWith("[")) {
                String name = sectionName(text, lineNo);
                if (file.sections.containsKey(name) || builder != null && builder.name.equals(name)) {
                    throw new MalformedException(lineNo, "user " + name + " appears twice");
                }
                List<String> leadingComments = List.of();
                if (builder != null) {
                    file.put(builder.finish());
                    leadingComments = detachLeadingComments(current);
                }
                builder = new SectionBuilder(name, lineNo);
                builder.section.lines.addAll(leadingComments);
                builder.section.lines.add(line);
                current = builder.section.lines;
            } else if (builder == null) {
                throw new MalformedException(lineNo, "settings before the first [user] header");
            } else {
                builder.accept(text, lineNo);
                current.add(line);
            }
        }
        if (builder != null) {
            file.put(builder.finish());
        }
        return file;
    }

    List<Entry> entries() {
        List<Entry> all = new ArrayList<>(sections.size());
        sections.values().forEach(s -> all.add(s.entry));
        return all;
    }

    boolean contains(String name) {
        return sections.containsKey(name);
    }

    String passwordHash(String name) {
        return section(name).entry.passwordHash();
    }

    /** Appends a section; {@code quota} null leaves the quota line out so the server default applies. */
    void add(String name, String passwordHash, OptionalLong quota) {
        Section s = new Section();
        List<String> last = sections.isEmpty() ? preamble : lastSection().lines;
        if (!last.isEmpty() && !last.get(last.size() - 1).isBlank()) {
            s.lines.add("");
        }
        s.lines.add("[" + name + "]");
        s.lines.add(PASSWORD + " = " + passwordHash);
        if (quota != null) {
            s.lines.add(QUOTA + " = " + ByteSize.canonical(quota));
        }
        s.lines.add(ENABLED + " = true");
        s.entry = new Entry(name, passwordHash, quota == null ? OptionalLong.empty() : quota, quota == null,
                OptionalLong.empty(), true, true);
        sections.put(name, s);
    }

    void setPassword(String name, String passwordHash) {
        Section s = section(name);
        setKey(s, PASSWORD, passwordHash);
        Entry e = s.entry;
        s.entry = new Entry(name, passwordHash, e.quota(), e.quotaIsDefault(), e.files(), e.filesIsDefault(),
                e.enabled());
    }

    void setQuota(String name, OptionalLong quota) {
        Section s = section(name);
        setKey(s, QUOTA, ByteSize.canonical(quota));
        s.entry = s.entry.withQuota(quota);
    }

    void setFiles(String name, OptionalLong files) {
        Section s = section(name);
        setKey(s, FILES, QuotaLedger.fileLimitText(files));
        s.entry = s.entry.withFiles(files);
    }

    void setEnabled(String name, boolean enabled) {
        Section s = section(name);
        setKey(s, ENABLED, Boolean.toString(enabled));
        Entry e = s.entry;
        s.entry = new Entry(name, e.passwordHash(), e.quota(), e.quotaIsDefault(), e.files(), e.filesIsDefault(),
                enabled);
    }

    void delete(String name) {
        section(name);
        sections.remove(name);
    }

    String render() {
        StringBuilder out = new StringBuilder();
        preamble.forEach(line -> out.append(line).append('\n'));
        sections.values().forEach(s -> s.lines.forEach(line -> out.append(line).append('\n')));
        return out.toString();
    }

    private void put(Section s) {
        sections.put(s.entry.name(), s);
    }

    private Section lastSection() {
        Section last = null;
        for (Section s : sections.values()) {
            last = s;
        }
        return last;
    }

    private Section section(String name) {
        Section s = sections.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no such user: " + name);
        }
        return s;
    }

    /** Rewrites the key's line, or adds one after the section's last setting. */
    private static void setKey(Section s, String key, String value) {
        String line = key + " = " + value;
        int lastSetting = -1;
        for (int i = 0; i < s.lines.size(); i++) {
            String text = stripComment(s.lines.get(i)).trim();
            if (text.startsWith("[")) {
                lastSetting = i;
            } else if (lastSetting >= 0 && !text.isEmpty()) {
                if (keyOf(text).equals(key)) {
                    s.lines.set(i, line);
                    return;
                }
                lastSetting = i;
            }
        }
        s.lines.add(lastSetting + 1, line);
    }

    /**
     * Moves the comment lines directly above a header (no blank line between) from the previous section into
     * the header's, so they go when that user is deleted. Comments above the first user stay where they are:
     * they are more likely about the whole file.
     */
    private static List<String> detachLeadingComments(List<String> previous) {
        int start = previous.size();
        while (start > 0 && isComment(previous.get(start - 1))) {
            start--;
        }
        List<String> tail = previous.subList(start, previous.size());
        List<String> moved = new ArrayList<>(tail);
        tail.clear();
        return moved;
    }

    private static boolean isComment(String line) {
        return !line.isBlank() && stripComment(line).isBlank();
    }

    private static String sectionName(String text, int lineNo) throws MalformedException {
        if (!text.endsWith("]")) {
            throw new MalformedException(lineNo, "a header looks like [name]");
        }
        String name = text.substring(1, text.length() - 1).trim();
        if (!AccountStore.isValidName(name)) {
            throw new MalformedException(lineNo, "not a valid user name: " + name);
        }
        return name;
    }

    private static String keyOf(String text) {
        int eq = text.indexOf('=');
        return eq < 0 ? "" : text.substring(0, eq).trim().toLowerCase(Locale.ROOT);
    }

    private static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '#' || c == ';') {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** Collects one section's settings and checks them when the section ends. */
    private static final class SectionBuilder {
        final Section section = new Section();
        final String name;
        final int headerLine;
        final Set<String> seen = new HashSet<>();
        String passwordHash;
        OptionalLong quota = OptionalLong.empty();
        boolean quotaIsDefault = true;
        OptionalLong files = OptionalLong.empty();
        boolean filesIsDefault = true;
        boolean enabled = true;

        SectionBuilder(String name, int headerLine) {
            this.name = name;
            this.headerLine = headerLine;
        }

        void accept(String text, int lineNo) throws MalformedException {
            int eq = text.indexOf('=');
            if (eq < 0) {
                throw new MalformedException(lineNo, "expected key = value");
            }
            String key = keyOf(text);
            String value = text.substring(eq + 1).trim();
            if (!key.equals(PASSWORD) && !key.equals(QUOTA) && !key.equals(FILES) && !key.equals(ENABLED)) {
                throw new MalformedException(lineNo, "unknown key"
                        + (key.matches("[a-z_]{1,20}") ? " " + key : "") + " (password, quota, files, enabled)");
            }
            if (!seen.add(key)) {
                throw new MalformedException(lineNo, key + " appears twice for " + name);
            }
            switch (key) {
                case PASSWORD -> {
                    if (!PasswordHasher.isWellFormed(value)) {
                        throw new MalformedException(lineNo, "password of " + name
                                + " is not a " + PasswordHasher.SCHEME + " hash (set it with: user passwd " + name + ")");
                    }
                    passwordHash = value;
                }
                case QUOTA -> {
                    try {
                        quota = ByteSize.parse(value);
                        quotaIsDefault = false;
                    } catch (IllegalArgumentException e) {
                        throw new MalformedException(lineNo, e.getMessage());
                    }
                }
                case FILES -> {
                    try {
                        files = QuotaLedger.parseFileLimit(value);
                        filesIsDefault = false;
                    } catch (IllegalArgumentException e) {
                        throw new MalformedException(lineNo, e.getMessage());
                    }
                }
                default -> { // ENABLED, the only key left
                    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                        throw new MalformedException(lineNo, "enabled is true or false, not " + value);
                    }
                    enabled = value.equalsIgnoreCase("true");
                }
            }
        }

        Section finish() throws MalformedException {
            if (passwordHash == null) {
                throw new MalformedException(headerLine, "user " + name + " has no password line");
            }
            section.entry = new Entry(name, passwordHash, quota, quotaIsDefault, files, filesIsDefault, enabled);
            return section;
        }
    }
}
