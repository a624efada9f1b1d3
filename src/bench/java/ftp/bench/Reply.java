package ftp.bench;

/** One FTP reply: its code and its whole text (several lines for a multi-line reply). Immutable. */
record Reply(int code, String text) {
    boolean is(int firstDigit) {
        return code / 100 == firstDigit;
    }
}
