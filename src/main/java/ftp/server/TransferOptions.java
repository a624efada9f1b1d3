package ftp.server;

import ftp.server.CommandSpec.Pending;

import java.util.OptionalLong;

/**
 * What the client has set up for the commands that follow: the sticky settings (TYPE, PBSZ, PROT, EPSV ALL,
 * the MLST facts)
 * and the one-shot arguments (REST, ALLO, RANG, and RNFR's target, the one that is not about data) that only
 * the next command of the right kind uses. Owns those values and the rules for when a one-shot one is used up.
 * Owned by the selector thread, like its {@link Session}; a worker sees a {@link Snapshot} instead.
 */
public final class TransferOptions {
    private boolean binary = true;
    private boolean pbszDone;
    private boolean protectedData;
    private boolean epsvAll;
    private MlstFacts mlstFacts = MlstFacts.ALL;
    private long restOffset;
    private OptionalLong allocated = OptionalLong.empty();
    private long rangeStart = -1;
    private long rangeEnd = -1;
    private String renameFrom;

    /**
     * The options as a command on a worker sees them; {@code rangeStart} and {@code rangeEnd} are -1 when no
     * RANG is in effect. Immutable.
     */
    public record Snapshot(boolean binary, long restOffset, OptionalLong allocated, long rangeStart, long rangeEnd,
            boolean protectedData, MlstFacts mlstFacts) {}

    // ---------------------------------------------------------------- sticky: hold until changed

    /** TYPE I (the default) rather than TYPE A. */
    public boolean binary() {
        return binary;
    }

    public void setBinary(boolean b) {
        binary = b;
    }

    public boolean pbszDone() {
        return pbszDone;
    }

    public void markPbszDone() {
        pbszDone = true;
    }

    /** PROT P rather than PROT C. */
    public boolean protectedData() {
        return protectedData;
    }

    public void setProtectedData(boolean p) {
        protectedData = p;
    }

    /** After EPSV ALL only EPSV may set up data connections, for the rest of the session. */
    public boolean epsvAll() {
        return epsvAll;
    }

    public void markEpsvAll() {
        epsvAll = true;
    }

    /** What MLST and MLSD show, as OPTS MLST chose. */
    public MlstFacts mlstFacts() {
        return mlstFacts;
    }

    public void setMlstFacts(MlstFacts facts) {
        mlstFacts = facts;
    }

    // ---------------------------------------------------------------- one-shot: used up by a later command

    public void setRestOffset(long offset) {
        restOffset = offset;
    }

    public void setAllocated(long bytes) {
        allocated = OptionalLong.of(bytes);
    }

    /** RANG start end: the byte range the next HASH digests ({@code end} exclusive). */
    public void setRange(long start, long end) {
        rangeStart = start;
        rangeEnd = end;
    }

    /** RANG 1 0: back to whole files. */
    public void resetRange() {
        setRange(-1, -1);
    }

    public void setRenameFrom(String virtualPath) {
        renameFrom = virtualPath;
    }

    /** RNTO: the RNFR target, or null if there is none; either way it is used up. */
    public String takeRenameFrom() {
        String from = renameFrom;
        renameFrom = null;
        return from;
    }

    /**
     * Before any known, permitted command runs: RNFR's target holds only for the very next one, and only a
     * command that uses it keeps it (RNFR, NOOP, RNTO is 503).
     */
    void beforeCommand(CommandSpec spec) {
        if (!spec.consumes(Pending.RNFR)) {
            renameFrom = null;
        }
    }

    /**
     * The options for a command that goes to a worker, using up what its {@link CommandSpec#consumes} names
     * (REST, ALLO, RANG; RNFR's target is taken by {@link #takeRenameFrom}).
     */
    Snapshot takeFor(CommandSpec spec) {
        Snapshot taken = new Snapshot(binary, restOffset, allocated, rangeStart, rangeEnd, protectedData, mlstFacts);
        if (spec.consumes(Pending.REST)) {
            restOffset = 0;
        }
        if (spec.consumes(Pending.RANG)) {
            resetRange();
        }
        if (spec.consumes(Pending.ALLO)) {
            allocated = OptionalLong.empty();
        }
        return taken;
    }
}
