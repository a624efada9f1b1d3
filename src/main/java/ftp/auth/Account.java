package ftp.auth;

import ftp.fs.ByteSize;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One user as the server sees it: name, stored password hash, effective quota (empty = unlimited)
 * and whether logins are allowed. Immutable; any thread.
 */
public record Account(String name, String passwordHash, OptionalLong quota, boolean enabled) {
    public Account {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(quota, "quota");
    }

    /** Leaves the hash out: accounts end up in logs and error messages. */
    @Override
    public String toString() {
        return "Account[name=" + name + ", quota=" + ByteSize.canonical(quota) + ", enabled=" + enabled + "]";
    }
}
