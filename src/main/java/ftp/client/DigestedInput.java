package ftp.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * A local file's bytes on their way to the server, digested and counted as they are read, so that an interrupted
 * upload can record how much it sent and the MD5 of that. Owned by the thread running the upload.
 */
final class DigestedInput extends FilterInputStream {
    private final MessageDigest digest;
    private long count;

    /** {@code digest} may have seen bytes before these (a resumed upload's part already sent). */
    DigestedInput(InputStream in, MessageDigest digest) {
        super(in);
        this.digest = digest;
    }

    /** The bytes read through this stream. */
    long count() {
        return count;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            digest.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            digest.update(b, off, n);
            count += n;
        }
        return n;
    }
}
