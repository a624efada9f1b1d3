package ftp.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The accounts in {@code accounts.ini} (format in {@link AccountsFile}). Lookups re-read the file whenever
 * it changed on disk, so {@code bin/ftpd user ...} applies to a running server without a restart; a file
 * that stops parsing keeps the last good accounts and is reported once to the log. Changes rewrite the
 * file atomically (temp file, fsync, rename, mode 600) under a lock file, so concurrent admin commands
 * neither lose updates nor leave a half-written file for the server to read.
 * Thread-safe: server workers and the admin tool call it from any thread.
 */
public final class AccountStore {
    private static final Logger LOG = Logger.getLogger(AccountStore.class.getName());
    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,31}");
    /** Far beyond any real user list; keeps a wrong path (a log file, a disk image) from filling the heap. */
    private static final long MAX_FILE_BYTES = 8L << 20;
    /** FileChannel locks are per process; this orders two stores of the same file inside one JVM. */
    private static final Object PROCESS_LOCK = new Object();

    /** What identifies one version of the file: a rename gives a new file key even within one mtime tick. */
    private record Stamp(FileTime modified, long size, Object fileKey) {
        static final Stamp MISSING = new Stamp(null, -1, null);
        static final Stamp UNREADABLE = new Stamp(null, -2, null);
    }

    private final Path file;
    private final Path lockFile;
    private final OptionalLong defaultQuota;
    private final OptionalLong defaultFiles;
    private final Object readLock = new Object();
    private Stamp loaded; // guarded by readLock; null = read on next lookup
    private Map<String, Account> accounts = Map.of(); // guarded by readLock; immutable, in file order
    private List<Integer> iterationCounts = List.of(); // guarded by readLock; immutable, of accounts

    /**
     * {@code defaultQuota} (bytes) applies to users without a quota line, {@code defaultFiles} (files and
     * folders) to users without a files line; empty = unlimited.
     */
    public AccountStore(Path file, OptionalLong defaultQuota, OptionalLong defaultFiles) {
        this.file = file.toAbsolutePath();
        this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
        this.defaultQuota = Objects.requireNonNull(defaultQuota, "defaultQuota");
        this.defaultFiles = Objects.requireNonNull(defaultFiles, "defaultFiles");
    }

    public static boolean isValidName(String name) {
        return name != null && VALID_NAME.matcher(name).matches();
    }

    public Optional<Account> find(String name) {
        return Optional.ofNullable(current().get(name));
    }

    /** Every account by name, as the file says now. Immutable. */
    public Map<String, Account> byName() {
        return current();
    }

    /** Every account in file order. */
    public List<Account> all() {
        return List.copyOf(current().values());
    }

    /**
     * The PBKDF2 iteration count of each enabled account's hash, in ascending order: what checking a real
     * user's password costs, so a name that does not exist can be made to cost the same. Immutable.
     */
    public List<Integer> iterationCounts() {
        synchronized (readLock) {
            current();
            return iterationCounts;
        }
    }

    /**
     * Adds a user; {@code quota} null leaves the quota line out so the server default applies.
     * The caller keeps ownership of {@code password}. Throws IllegalArgumentException for an invalid
     * or existing name, IllegalStateException when the file is malformed, UncheckedIOException on I/O errors.
     */
    public void add(String name, char[] password, OptionalLong quota, int iterations) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid user name: " + name
                    + " (letters, digits, '_', '.', '-'; up to 32; not starting with '.' or '-')");
        }
        rewrite(doc -> {
            if (doc.contains(name)) {
                throw new IllegalArgumentException("user " + name + " already exists");
            }
            doc.add(name, PasswordHasher.hash(password, iterations), quota);
        });
    }

    /** The caller keeps ownership of {@code password}. */
    public void setPassword(String name, char[] password, int iterations) {
        rewrite(doc -> {
            requireUser(doc, name);
            doc.setPassword(name, PasswordHasher.hash(password, iterations));
        });
    }

    /** Sets an explicit quota; empty = unlimited. */
    public void setQuota(String name, OptionalLong quota) {
        Objects.requireNonNull(quota, "quota");
        rewrite(doc -> doc.setQuota(name, quota));
    }

    /** Sets an explicit limit on files and folders; empty = unlimited. */
    public void setFiles(String name, OptionalLong files) {
        Objects.requireNonNull(files, "files");
        rewrite(doc -> doc.setFiles(name, files));
    }

    public void setEnabled(String name, boolean enabled) {
        rewrite(doc -> doc.setEnabled(name, enabled));
    }

    public void delete(String name) {
        rewrite(doc -> doc.delete(name));
    }

    /**
     * How many accounts the file holds now, read afresh; unlike lookups, which keep the last good accounts, a
     * missing, unreadable or malformed file throws, with the reason. For a server about to start.
     */
    public int countStrictly() throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no accounts file");
        }
        try {
            return read().entries().size();
        } catch (AccountsFile.MalformedException e) {
            throw new IOException(file + " " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the user's password hash (the same password hashed at another cost) only while the stored hash
     * is still {@code verifiedHash}: a password the admin changed meanwhile, or a deleted user, stays as the
     * admin left it. True when replaced.
     */
    public boolean replaceHash(String name, String verifiedHash, String newHash) {
        boolean[] replaced = {false};
        rewrite(doc -> {
            if (doc.contains(name) && doc.passwordHash(name).equals(verifiedHash)) {
                doc.setPassword(name, newHash);
                replaced[0] = true;
            }
        });
        return replaced[0];
    }

    private static void requireUser(AccountsFile doc, String name) {
        if (!doc.contains(name)) {
            throw new IllegalArgumentException("no such user: " + name);
        }
    }

    private Map<String, Account> current() {
        synchronized (readLock) {
            Stamp now = stamp();
            if (!now.equals(loaded)) {
                reload(now);
            }
            return accounts;
        }
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (NoSuchFileException e) {
            return Stamp.MISSING;
        } catch (IOException e) {
            return Stamp.UNREADABLE;
        }
    }

    /** Called with readLock held. Records {@code now} even on failure so each bad version is logged once. */
    private void reload(Stamp now) {
        loaded = now;
        if (now == Stamp.MISSING) {
            accounts = Map.of();
            iterationCounts = List.of();
            LOG.warning(() -> "no accounts file " + file + ": nobody can log in");
            return;
        }
        try {
            Map<String, Account> fresh = new LinkedHashMap<>();
            for (AccountsFile.Entry e : read().entries()) {
                fresh.put(e.name(), e.toAccount(defaultQuota, defaultFiles));
            }
            accounts = Collections.unmodifiableMap(fresh);
            iterationCounts = fresh.values().stream().filter(Account::enabled)
                    .flatMapToInt(a -> PasswordHasher.iterationsOf(a.passwordHash()).stream())
                    .sorted().boxed().toList();
            LOG.fine(() -> "loaded " + fresh.size() + " accounts from " + file);
        } catch (AccountsFile.MalformedException | IOException e) {
            int kept = accounts.size();
            LOG.log(Level.WARNING, () -> "accounts file " + file + " not loaded (" + e.getMessage()
                    + "); keeping the previous " + kept + " accounts");
        }
    }

    private AccountsFile read() throws IOException, AccountsFile.MalformedException {
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException("larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
        }
        return AccountsFile.parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private void rewrite(Consumer<AccountsFile> edit) {
        synchronized (PROCESS_LOCK) {
            try {
                Files.createDirectories(file.getParent());
                try (FileChannel lock = FileChannel.open(lockFile,
                        Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnly())) {
                    lock.lock(); // released when the channel closes
                    AccountsFile doc = readForUpdate();
                    String before = doc.render();
                    edit.accept(doc);
                    String after = doc.render();
                    if (!after.equals(before)) { // a hash replaced meanwhile changes nothing: no write
                        replaceFile(after);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot update " + file + ": " + e.getMessage(), e);
            } finally {
                synchronized (readLock) {
                    loaded = null;
                }
            }
        }
    }

    private AccountsFile readForUpdate() throws IOException {
        if (!Files.exists(file)) {
            return AccountsFile.empty();
        }
        try {
            return read();
        } catch (AccountsFile.MalformedException e) {
            throw new IllegalStateException(file + " " + e.getMessage() + "; fix it before changing users", e);
        }
    }

    private void replaceFile(String text) throws IOException {
        Path dir = file.getParent();
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", ownerOnly());
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = StandardCharsets.UTF_8.encode(text);
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot rename atomically", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(dir);
    }

    /** Makes the rename itself durable; not every platform can open a directory, and then there is nothing to do. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.finest(() -> "cannot sync directory " + dir + ": " + e);
        }
    }

    private FileAttribute<?>[] ownerOnly() {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }
}
