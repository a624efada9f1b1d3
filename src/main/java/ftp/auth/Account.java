package ftp.auth;

import ftp.fs.ByteSize;
import ftp.fs.QuotaLedger;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One user as the server sees it: name, stored password hash, effective quota in bytes and in files and
 * folders (empty = unlimited) and whether logins are allowed. Immutable; any thread.
 */
public record Account(String name, String passwordHash, OptionalLong quota, OptionalLong files, boolean enabled) {
    public Account {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(quota, "quota");
        Objects.requireNonNull(files, "files");
    }

    /** Leaves the hash out: accounts end up in logs and error messages. */
    @Override
    public String toString() {
        return "Account[name=" + name + ", quota=" + ByteSize.canonical(quota) + ", files="
                + QuotaLedger.fileLimitText(files) + ", enabled=" + enabled + "]";
    }
}
