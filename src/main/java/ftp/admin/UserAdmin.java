package ftp.admin;

import ftp.auth.Account;
import ftp.auth.AccountStore;
import ftp.fs.ByteSize;
import ftp.fs.QuotaLedger;
import ftp.log.LogField;
import ftp.server.ServerSettings;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.logging.Level;

/**
 * {@code user add|passwd|quota|disable|enable|del|list}: edits {@code accounts.ini} (atomically, through
 * {@link AccountStore}); a running server notices the change without a restart, and ends the sessions of a
 * deleted or disabled user (a new password leaves logged-in sessions alone, and says so). Passwords come from a
 * no-echo prompt or one line of standard input, never from the command line. Main thread only.
 */
final class UserAdmin {
    private final ServerSettings settings;
    private final AccountStore accounts;

    UserAdmin(Path confDir) throws IOException {
        this.settings = ServerSettings.load(confDir);
        this.accounts = new AccountStore(settings.accountsFile(), settings.defaultQuota(), settings.defaultFiles());
    }

    int run(List<String> args) throws IOException {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("user needs a sub-command: add, passwd, quota, disable, enable, del"
                    + " or list");
        }
        String sub = args.get(0);
        List<String> rest = args.subList(1, args.size());
        switch (sub) {
            case "add" -> add(rest);
            case "passwd" -> passwd(rest);
            case "quota" -> quota(rest);
            case "disable" -> setEnabled(rest, false);
            case "enable" -> setEnabled(rest, true);
            case "del" -> del(rest);
            case "list" -> list();
            default -> throw new IllegalArgumentException("unknown user sub-command: " + sub);
        }
        return 0;
    }

    private void add(List<String> args) throws IOException {
        String name = null;
        OptionalLong quota = null;
        OptionalLong files = null;
        boolean stdin = false;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--quota" -> {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("--quota needs a size like 100M or none");
                    }
                    quota = ByteSize.parse(args.get(++i));
                }
                case "--files" -> files = fileLimit(args, ++i);
                case "--password-stdin" -> stdin = true;
                default -> name = requireNew(name, args.get(i));
            }
        }
        if (name == null) {
            throw new IllegalArgumentException("user add NAME [--quota SIZE] [--files N] [--password-stdin]");
        }
        char[] password = readPassword(stdin, true);
        try {
            accounts.add(name, password, quota, settings.pbkdf2Iterations());
        } finally {
            Arrays.fill(password, '\0');
        }
        if (files != null) {
            accounts.setFiles(name, files);
        }
        Files.createDirectories(settings.homeRoot().resolve(name), settings.filesUmask().forDirectories());
        logChange("user add name=" + LogField.quote(name) + " quota="
                + ByteSize.canonical(accounts.find(name).orElseThrow().quota())
                + (files == null ? "" : " files=" + QuotaLedger.fileLimitText(files)));
        System.out.println("added " + name + " (quota " + ByteSize.canonical(accounts.find(name).orElseThrow().quota())
                + ")");
    }

    private void passwd(List<String> args) {
        boolean stdin = args.contains("--password-stdin");
        List<String> names = args.stream().filter(a -> !a.startsWith("--")).toList();
        if (names.size() != 1) {
            throw new IllegalArgumentException("user passwd NAME [--password-stdin]");
        }
        char[] password = readPassword(stdin, true);
        try {
            accounts.setPassword(names.get(0), password, settings.pbkdf2Iterations());
        } finally {
            Arrays.fill(password, '\0');
        }
        logChange("user passwd name=" + LogField.quote(names.get(0)));
        System.out.println("password changed for " + names.get(0) + " (sessions already logged in continue;"
                + " user del ends them)");
    }

    /** {@code user quota NAME [SIZE] [--files N]}: bytes, files and folders, or both; at least one. */
    private void quota(List<String> args) {
        String name = null;
        OptionalLong quota = null;
        OptionalLong files = null;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--files")) {
                files = fileLimit(args, ++i);
            } else if (name == null) {
                name = args.get(i);
            } else if (quota == null) {
                quota = ByteSize.parse(args.get(i));
            } else {
                throw new IllegalArgumentException("unexpected argument: " + args.get(i));
            }
        }
        if (name == null || quota == null && files == null) {
            throw new IllegalArgumentException("user quota NAME [SIZE] [--files N]   (SIZE like 500K, 100M, 2G, or"
                    + " none; N files and folders, or none)");
        }
        if (quota != null) {
            accounts.setQuota(name, quota);
            System.out.println("quota of " + name + " is now " + ByteSize.canonical(quota));
        }
        if (files != null) {
            accounts.setFiles(name, files);
            System.out.println("file limit of " + name + " is now " + QuotaLedger.fileLimitText(files));
        }
        logChange("user quota name=" + LogField.quote(name)
                + (quota == null ? "" : " quota=" + ByteSize.canonical(quota))
                + (files == null ? "" : " files=" + QuotaLedger.fileLimitText(files)));
    }

    private static OptionalLong fileLimit(List<String> args, int i) {
        if (i >= args.size()) {
            throw new IllegalArgumentException("--files needs a number of files and folders, or none");
        }
        return QuotaLedger.parseFileLimit(args.get(i));
    }

    /** {@code user disable|enable NAME}: a disabled account keeps its password, home and quota but cannot log in. */
    private void setEnabled(List<String> args, boolean enabled) {
        String verb = enabled ? "enable" : "disable";
        if (args.size() != 1) {
            throw new IllegalArgumentException("user " + verb + " NAME");
        }
        accounts.setEnabled(args.get(0), enabled);
        logChange("user " + verb + " name=" + LogField.quote(args.get(0)));
        System.out.println(enabled ? "enabled " + args.get(0)
                : "disabled " + args.get(0) + " (a running server ends the user's sessions; user enable undoes it)");
    }

    private void del(List<String> args) {
        if (args.size() != 1) {
            throw new IllegalArgumentException("user del NAME");
        }
        accounts.delete(args.get(0));
        logChange("user del name=" + LogField.quote(args.get(0)));
        System.out.println("deleted " + args.get(0) + " (the home directory was kept; a running server ends the user's"
                + " sessions)");
    }

    private void list() throws IOException {
        String row = "%-20s %-12s %-12s %-16s %s";
        System.out.println(String.format(Locale.ROOT, row, "name", "quota", "used", "files", "enabled"));
        for (Account a : accounts.all()) {
            Path home = settings.homeRoot().resolve(a.name());
            QuotaLedger ledger = new QuotaLedger(a.name(), a.quota(), a.files());
            if (Files.isDirectory(home)) {
                ledger.recompute(home);
            }
            // Both columns in one convention (binary units labelled KiB, MiB ...), so 7M reads as 7.00 MiB.
            String quota = a.quota().isPresent() ? ByteSize.human(a.quota().getAsLong()) : "none";
            String files = ledger.files() + (a.files().isPresent() ? "/" + a.files().getAsLong() : "");
            System.out.println(String.format(Locale.ROOT, row, a.name(), quota, ByteSize.human(ledger.used()), files,
                    a.enabled() ? "yes" : "no"));
        }
    }

    /**
     * One line in {@code ftpd.log} for a change that was made, with the system user who made it. The change
     * stands even when the line cannot be written; the admin is told.
     */
    private void logChange(String change) {
        try {
            ServerLogging.append(settings, Level.INFO, "admin " + change + " by="
                    + LogField.quote(System.getProperty("user.name")));
        } catch (IOException e) {
            System.err.println("ftpd: warning: the change is made but not logged: " + e.getMessage());
        }
    }

    private static String requireNew(String current, String value) {
        if (current != null) {
            throw new IllegalArgumentException("unexpected argument: " + value);
        }
        return value;
    }

    private static char[] readPassword(boolean fromStdin, boolean confirm) {
        Console console = System.console();
        if (fromStdin || console == null) {
            try {
                String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (line == null || line.isEmpty()) {
                    throw new IllegalArgumentException("no password on standard input");
                }
                return line.toCharArray();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the password: " + e.getMessage());
            }
        }
        char[] first = console.readPassword("password: ");
        if (first == null || first.length == 0) {
            throw new IllegalArgumentException("empty password");
        }
        if (confirm) {
            char[] again = console.readPassword("again: ");
            if (!Arrays.equals(first, again)) {
                throw new IllegalArgumentException("the passwords differ");
            }
        }
        return first;
    }
}
