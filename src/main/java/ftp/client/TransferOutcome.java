package ftp.client;

/** How the transfer of one file ended. */
enum TransferOutcome {
    /** Moved and verified. */
    DONE,
    /** Nothing to move: the same file is already there. */
    SKIPPED,
    /** Refused or failed; the user was told why. */
    FAILED,
    /** Stopped by the user (Ctrl-C); what was moved stays, with its record, for a resume. */
    INTERRUPTED
}
