package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.fs.ByteSize;

import org.junit.jupiter.api.Test;

/** One size convention in both tools: binary multiples, labelled KiB, MiB, GiB. */
class SizeFormatTest {
    @Test
    void sizesAreBinaryMultiplesLabelledAsSuch() {
        assertThat(SizeFormat.size(512)).isEqualTo("512 B");
        assertThat(SizeFormat.size(1024)).isEqualTo("1.00 KiB");
        assertThat(SizeFormat.size(72_320_000)).isEqualTo("68.97 MiB");
        assertThat(SizeFormat.size(1L << 30)).isEqualTo("1.00 GiB");
        assertThat(SizeFormat.rate(12.3 * (1 << 20))).isEqualTo("12.3 MiB/s");
    }

    @Test
    void theServerWritesSizesTheSameWay() {
        for (long bytes : new long[] {0, 512, 1024, 72_320_000, 5L << 40}) {
            assertThat(ByteSize.human(bytes)).isEqualTo(SizeFormat.size(bytes));
        }
    }
}
