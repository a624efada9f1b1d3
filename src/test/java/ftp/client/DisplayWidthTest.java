package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DisplayWidthTest {
    @Test
    void chineseCharactersTakeTwoColumnsAndMarksNone() {
        assertThat(DisplayWidth.of("ls [path]")).isEqualTo(9);
        assertThat(DisplayWidth.of("ls [路径]")).isEqualTo(9);
        assertThat(DisplayWidth.of("ｆｕｌｌ")).isEqualTo(8);
        assertThat(DisplayWidth.of("e\u0301")).isEqualTo(1);
        assertThat(DisplayWidth.of("한국")).isEqualTo(4);
        assertThat(DisplayWidth.of("\t")).isZero();
    }

    @Test
    void padsToColumnsNotToCharacters() {
        assertThat(DisplayWidth.pad("本地", 6)).isEqualTo("本地  ");
        assertThat(DisplayWidth.pad("abcdef", 3)).isEqualTo("abcdef");
    }
}
