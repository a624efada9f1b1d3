package ftp.server;

import ftp.fs.QuotaLedger;
import ftp.fs.UploadJournal;
import ftp.fs.UserFileSystem;

/**
 * Everything a logged-in session needs to reach its user's files: the jail, the quota shared by all the
 * user's sessions, and the journal of unfinished uploads; and what this session's transfers moved. Built on
 * a worker at login. Immutable holder of thread-safe parts; any thread.
 */
public record UserContext(String name, UserFileSystem files, QuotaLedger quota, UploadJournal uploads,
                          SessionTraffic traffic) {}
