package ftp.auth;

/** What {@link Authenticator#authenticate} decided. Immutable values; any thread. */
public sealed interface LoginResult {
    /** The password matched an enabled account. */
    record Accepted(Account account) implements LoginResult {}

    /** Unknown user, disabled user or wrong password; deliberately indistinguishable. */
    record Rejected() implements LoginResult {}

    /** Too many logins are being checked at once; the client should try again later. */
    record Busy() implements LoginResult {}
}
