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
 * {@code user add|passwd|quota|del|list}: edits {@code accounts.ini} (atomically, through
 * {@link AccountStore}); a running server notices the change without a restart. Passwords come from a
 * no-echo prompt or one line of standard input, never from the command line. Main thread only.
 */
final class UserAdmin {
    private final ServerSettings settings;
    private final AccountStore accounts;

    UserAdmin(Path confDir) throws IOException {
        this.settings = ServerSettings.load(confDir);
        this.accounts = new AccountStore(settings.accountsFile(), settings.defaultQuota());
    }

    int run(List<String> args) throws IOException {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("user needs a sub-command: add, passwd, quota, del or list");
        }
        String sub = args.get(0);
        List<String> rest = args.subList(1, args.size());
        switch (sub) {
            case "add" -> add(rest);
            case "passwd" -> passwd(rest);
            case "quota" -> quota(rest);
            case "del" -> del(rest);
            case "list" -> list();
            default -> throw new IllegalArgumentException("unknown user sub-command: " + sub);
        }
        return 0;
    }

    private void add(List<String> args) throws IOException {
        String name = null;
        OptionalLong quota = null;
        boolean stdin = false;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--quota" -> {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("--quota needs a size like 100M or none");
                    }
                    quota = ByteSize.parse(args.get(++i));
                }
                case "--password-stdin" -> stdin = true;
                default -> name = requireNew(name, args.get(i));
            }
        }
        if (name == null) {
            throw new IllegalArgumentException("user add NAME [--quota SIZE] [--password-stdin]");
        }
        char[] password = readPassword(stdin, true);
        try {
            accounts.add(name, password, quota, settings.pbkdf2Iterations());
        } finally {
            Arrays.fill(password, '\0');
        }
        Files.createDirectories(settings.homeRoot().resolve(name));
        logChange("user add name=" + LogField.quote(name) + " quota="
                + ByteSize.canonical(accounts.find(name).orElseThrow().quota()));
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
        System.out.println("password changed for " + names.get(0));
    }

    private void quota(List<String> args) {
        if (args.size() != 2) {
            throw new IllegalArgumentException("user quota NAME SIZE   (SIZE like 500K, 100M, 2G, or none)");
        }
        OptionalLong quota = ByteSize.parse(args.get(1));
        accounts.setQuota(args.get(0), quota);
        logChange("user quota name=" + LogField.quote(args.get(0)) + " quota=" + ByteSize.canonical(quota));
        System.out.println("quota of " + args.get(0) + " is now " + ByteSize.canonical(quota));
    }

    private void del(List<String> args) {
        if (args.size() != 1) {
            throw new IllegalArgumentException("user del NAME");
        }
        accounts.delete(args.get(0));
        logChange("user del name=" + LogField.quote(args.get(0)));
        System.out.println("deleted " + args.get(0) + " (the home directory was kept)");
    }

    private void list() throws IOException {
        System.out.println(String.format(Locale.ROOT, "%-20s %-10s %-12s %s", "name", "quota", "used", "enabled"));
        for (Account a : accounts.all()) {
            Path home = settings.homeRoot().resolve(a.name());
            long used = 0;
            if (Files.isDirectory(home)) {
                QuotaLedger ledger = new QuotaLedger(a.name(), a.quota());
                ledger.recompute(home);
                used = ledger.used();
            }
            System.out.println(String.format(Locale.ROOT, "%-20s %-10s %-12s %s", a.name(),
                    ByteSize.canonical(a.quota()), ByteSize.human(used), a.enabled() ? "yes" : "no"));
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
