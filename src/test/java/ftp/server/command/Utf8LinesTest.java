package ftp.server.command;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8LinesTest {
    /** Records every write so a test can see the chunks a listing went out in. */
    private static final class RecordingStream extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> writes = new ArrayList<>();

        @Override
        public void write(int b) {
            throw new AssertionError("listings must be written in chunks, not byte by byte");
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes.add(len);
            bytes.write(b, off, len);
        }
    }

    @Test
    void encodesUtf8AcrossBufferBoundaries() throws IOException {
        RecordingStream out = new RecordingStream();
        // One expected line makes a 128-byte buffer, so the multi-byte characters below straddle its ends.
        Utf8Lines lines = new Utf8Lines(out, 1);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            String line = "x".repeat(i % 37) + "Grüße 日本 \uD83D\uDE00 lone\uD800 " + i + "\r\n";
            lines.write(line);
            expected.append(line);
        }
        lines.flush();
        assertThat(out.bytes.toByteArray()).isEqualTo(expected.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(out.writes).allSatisfy(n -> assertThat(n).isBetween(1, 128));
    }

    @Test
    void aLargeListingGoesOutInChunksOfAtMost64KiB() throws IOException {
        RecordingStream out = new RecordingStream();
        Utf8Lines lines = new Utf8Lines(out, 20_000);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            String line = "-rw-r--r--   1 alice    alice            4096 Mar 05 09:07 file-" + i + "\r\n";
            lines.write(line);
            expected.append(line);
        }
        lines.flush();
        assertThat(out.bytes.toString(StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
        assertThat(out.writes).hasSizeGreaterThan(1).allSatisfy(n -> assertThat(n).isBetween(1, 64 * 1024));
    }

    @Test
    void aSmallListingIsOneWrite() throws IOException {
        RecordingStream out = new RecordingStream();
        Utf8Lines lines = new Utf8Lines(out, 50);
        for (int i = 0; i < 50; i++) {
            lines.write("-rw-r--r--   1 alice    alice            4096 Mar 05 09:07 file-" + i + ".bin\r\n");
        }
        lines.flush();
        lines.flush();
        assertThat(out.writes).hasSize(1);
    }
}
