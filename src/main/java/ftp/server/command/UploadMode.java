package ftp.server.command;

/** How an upload treats what is already at its target. */
enum UploadMode {
    /** STOR: start over at byte 0. */
    REPLACE,
    /** REST n + STOR: keep the first n bytes, continue from there. */
    RESUME,
    /** APPE: continue at the current end. */
    APPEND,
    /** STOU: a new file under a name nobody has. */
    UNIQUE
}
