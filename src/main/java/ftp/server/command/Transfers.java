package ftp.server.command;

import ftp.fs.FileEntry;
import ftp.fs.FsException;
import ftp.fs.VirtualPaths;
import ftp.server.CommandSpec.Checked;
import ftp.server.FtpReplyException;
import ftp.server.Outcome;
import ftp.server.Reply;
import ftp.server.Session;
import ftp.server.SessionView;
import ftp.server.TransferLog;
import ftp.server.data.DataConnection;
import ftp.server.data.DataConnectionOpener;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * RETR, STOR, APPE, STOU and their set-up verbs REST, ALLO, ABOR. Downloads of binary files over plain data
 * connections use {@code transferTo} (zero copy); ASCII downloads (TYPE A) turn LF into CRLF on a buffered
 * path; uploads are {@link Upload}'s. REST and ABOR run on the selector thread; ALLO's quota check and the
 * transfers run on workers.
 */
public final class Transfers {
    static final int BUFFER = 256 * 1024;
    private static final long ZERO_COPY_SLICE = 8L << 20;
    private static final long MAX_OFFSET = 1L << 50;

    private Transfers() {}

    public static Reply rest(Session s, String arg) throws FtpReplyException {
        long offset = parseSize(arg, "REST");
        s.options().setRestOffset(offset);
        return new Reply(350, "Restarting at " + offset + ". Send STOR or RETR to continue.");
    }

    /**
     * ALLO checks on a worker, after re-reading the quota (an admin may have just changed it), so a size that
     * cannot fit is refused at once with 552. The upload that follows reserves the whole size before its
     * first byte.
     */
    public static Checked allo(Session s, String arg) throws FtpReplyException {
        String first = arg.trim().split("\\s+")[0];
        long bytes = parseSize(first, "ALLO");
        return Checked.work((v, a) -> {
            v.server().refreshQuota(v.user());
            long available = v.user().quota().available();
            if (bytes > available) {
                throw new FtpReplyException(552, "Exceeded storage allocation: " + bytes + " bytes requested, "
                        + available + " available.");
            }
            return Outcome.of(new Reply(200, "ALLO " + bytes + " bytes accepted."),
                    session -> session.options().setAllocated(bytes));
        }, arg);
    }

    public static Reply abor(Session s, String arg) {
        // Only reached when no transfer runs: a running one is aborted by the session itself.
        return new Reply(225, "No transfer to abort.");
    }

    private static long parseSize(String arg, String verb) throws FtpReplyException {
        String a = arg.trim();
        if (a.isEmpty() || a.length() > 19 || !a.chars().allMatch(Character::isDigit)) {
            throw new FtpReplyException(501, verb + " needs a non-negative number of bytes.");
        }
        long v = Long.parseLong(a);
        if (v > MAX_OFFSET) {
            throw new FtpReplyException(501, verb + " value too large.");
        }
        return v;
    }

    // ------------------------------------------------------------------------------------------ RETR

    public static Outcome retr(SessionView v, String arg) throws FtpReplyException {
        String path = v.resolve(arg);
        FileEntry entry = FileCommands.regularFile(v, path);
        long offset = v.options().restOffset();
        if (offset > entry.size()) {
            throw new FtpReplyException(554, "Restart offset " + offset + " is past the end of the file ("
                    + entry.size() + " bytes).");
        }
        long started = System.currentTimeMillis();
        FileChannel file;
        long size;
        try {
            file = v.user().files().openRead(path);
        } catch (FsException e) {
            throw FsReplies.of(e);
        }
        try {
            size = file.size();
        } catch (IOException e) {
            closeQuietly(file);
            log(v, path, 0, started, TransferLog.Direction.OUTGOING, false);
            return Outcome.of(426, interruption(v));
        }
        v.transfer().expect(size - offset);
        Reply ready = new Reply(150, "Opening " + (v.options().binary() ? "BINARY" : "ASCII")
                + " mode data connection for " + VirtualPaths.name(path) + " (" + (size - offset) + " bytes).");
        return DataConnectionOpener.afterPreliminary(v, ready, () -> send(v, path, file, offset, size, started));
    }

    /** RETR once the data connection is ready: sends the file and closes it. */
    private static Outcome send(SessionView v, String path, FileChannel opened, long offset, long size,
                                long started) throws FtpReplyException {
        long sent;
        try (FileChannel file = opened; DataConnection data = DataConnectionOpener.open(v)) {
            if (v.options().binary() && data.plainChannel() != null) {
                sent = sendZeroCopy(file, offset, size, data, v);
            } else {
                sent = sendBuffered(file, offset, size, data.output(), v);
            }
        } catch (FsException e) {
            throw FsReplies.of(e);
        } catch (IOException e) {
            log(v, path, v.transfer().bytes(), started, TransferLog.Direction.OUTGOING, false);
            return Outcome.of(426, interruption(v));
        }
        log(v, path, sent, started, TransferLog.Direction.OUTGOING, true);
        return Outcome.of(226, "Transfer complete (" + sent + " bytes).");
    }

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // failing anyway
        }
    }

    static String interruption(SessionView v) {
        if (v.transfer().timedOut()) {
            return "Data connection stalled for " + v.server().settings().dataTimeout().toSeconds()
                    + " s; transfer aborted.";
        }
        return v.transfer().aborted() ? "Connection closed; transfer aborted."
                : "Data connection lost; transfer aborted.";
    }

    /**
     * Binary over a plain connection: the kernel copies file pages to the socket. Sent in slices so STAT and
     * the stall watchdog see progress on a long download.
     */
    private static long sendZeroCopy(FileChannel file, long offset, long size, DataConnection data, SessionView v)
            throws IOException {
        long position = offset;
        while (position < size) {
            long n = file.transferTo(position, Math.min(ZERO_COPY_SLICE, size - position), data.plainChannel());
            if (n <= 0 && file.size() <= position) {
                break; // the file shrank under us: send what there is
            }
            position += n;
            v.transfer().add(n);
        }
        return position - offset;
    }

    private static long sendBuffered(FileChannel file, long offset, long size, OutputStream out, SessionView v)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        byte[] converted = v.options().binary() ? null : new byte[2 * BUFFER];
        long position = offset;
        long sent = 0;
        byte previous = 0;
        if (converted != null && offset > 0) {
            ByteBuffer one = ByteBuffer.allocate(1);
            if (file.read(one, offset - 1) == 1) {
                previous = one.get(0); // a restart just after a CR must not add a second one
            }
        }
        while (position < size) {
            buf.clear();
            int n = file.read(buf, position);
            if (n <= 0) {
                break;
            }
            position += n;
            if (converted == null) {
                out.write(buf.array(), 0, n);
                sent += n;
            } else {
                int m = 0;
                for (int i = 0; i < n; i++) {
                    byte b = buf.array()[i];
                    if (AsciiLineEnds.gainsCr(b, previous)) {
                        converted[m++] = '\r';
                    }
                    converted[m++] = b;
                    previous = b;
                }
                out.write(converted, 0, m);
                sent += m;
            }
            v.transfer().add(n);
        }
        out.flush();
        return sent;
    }

    // ------------------------------------------------------------------------------------------ uploads

    public static Outcome stor(SessionView v, String arg) throws FtpReplyException {
        return receive(v, v.resolve(arg), v.options().restOffset() > 0 ? UploadMode.RESUME : UploadMode.REPLACE);
    }

    public static Outcome appe(SessionView v, String arg) throws FtpReplyException {
        return receive(v, v.resolve(arg), UploadMode.APPEND);
    }

    public static Outcome stou(SessionView v, String arg) throws FtpReplyException {
        String base = arg.isBlank() ? "file" : VirtualPaths.name(v.resolve(arg));
        String dir = arg.isBlank() ? v.resolve(".") : VirtualPaths.parent(v.resolve(arg));
        String path;
        try {
            path = VirtualPaths.resolve(dir, v.user().files().uniqueName(dir, base));
        } catch (FsException e) {
            throw FsReplies.of(e);
        } catch (ftp.fs.PathRefusedException e) {
            throw new FtpReplyException(553, e.getMessage());
        }
        return receive(v, path, UploadMode.UNIQUE);
    }

    private static Outcome receive(SessionView v, String path, UploadMode mode) throws FtpReplyException {
        return new Upload(v, path, mode).run();
    }

    private static void log(SessionView v, String path, long bytes, long startedMillis,
                            TransferLog.Direction direction, boolean complete) {
        v.server().transferEnded(v, path, bytes, direction, System.currentTimeMillis() - startedMillis, complete);
    }
}
