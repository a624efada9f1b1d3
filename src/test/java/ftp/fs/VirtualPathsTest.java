package ftp.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VirtualPathsTest {

    @Test
    void relativeArgumentsResolveAgainstTheWorkingDirectory() throws Exception {
        assertThat(VirtualPaths.resolve("/a", "b/c")).isEqualTo("/a/b/c");
        assertThat(VirtualPaths.resolve("/a/b", "")).isEqualTo("/a/b");
        assertThat(VirtualPaths.resolve("/a/b", null)).isEqualTo("/a/b");
        assertThat(VirtualPaths.resolve("/a", "./b//./c/")).isEqualTo("/a/b/c");
    }

    @Test
    void absoluteArgumentsIgnoreTheWorkingDirectory() throws Exception {
        assertThat(VirtualPaths.resolve("/a/b", "/x/y")).isEqualTo("/x/y");
        assertThat(VirtualPaths.resolve("/a/b", "/")).isEqualTo("/");
        assertThat(VirtualPaths.resolve("/a/b", "//etc/passwd")).isEqualTo("/etc/passwd");
    }

    @Test
    void dotDotChainsStopAtTheRoot() throws Exception {
        assertThat(VirtualPaths.resolve("/a/b", "..")).isEqualTo("/a");
        assertThat(VirtualPaths.resolve("/a", "../../../../etc/passwd")).isEqualTo("/etc/passwd");
        assertThat(VirtualPaths.resolve("/", "/../..//../x/../..")).isEqualTo("/");
        assertThat(VirtualPaths.resolve("/a/b/c", "../../../../../..")).isEqualTo("/");
    }

    @Test
    void backslashNulAndControlCharactersAreRefusedWithOneMessage() {
        for (String bad : new String[] {"..\\..\\etc", "a\0b", "a\rb", "a\nb", "x\u007f", "\u0085", "tab\there"}) {
            assertThatThrownBy(() -> VirtualPaths.resolve("/", bad))
                    .as(bad).isInstanceOf(PathRefusedException.class).hasMessage("Invalid path");
        }
    }

    @Test
    void lineSeparatorsAndBidiControlsAreRefusedButJoinersStay() throws Exception {
        for (char bad : "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
                .toCharArray()) {
            assertThatThrownBy(() -> VirtualPaths.resolve("/", "a" + bad + "b.txt"))
                    .as("U+%04X", (int) bad).isInstanceOf(PathRefusedException.class).hasMessage("Invalid path");
            assertThat(VirtualPaths.isValidName("a" + bad + "b.txt")).as("U+%04X", (int) bad).isFalse();
        }
        String family = "\ud83d\udc69\u200d\ud83d\udc67.jpg"; // woman, zero-width joiner, girl
        assertThat(VirtualPaths.resolve("/", family)).isEqualTo("/" + family);
        assertThat(VirtualPaths.resolve("/", "\u05e9\u05dc\u05d5\u05dd.txt")).isEqualTo("/\u05e9\u05dc\u05d5\u05dd.txt");
    }

    @Test
    void unpairedSurrogatesAreRefused() {
        assertThatThrownBy(() -> VirtualPaths.resolve("/", "a\ud800b")).isInstanceOf(PathRefusedException.class);
        assertThatThrownBy(() -> VirtualPaths.resolve("/", "a\udc00")).isInstanceOf(PathRefusedException.class);
    }

    @Test
    void overLongNamesAndPathsAreRefused() throws Exception {
        assertThat(VirtualPaths.resolve("/", "n".repeat(255))).hasSize(256);
        assertThatThrownBy(() -> VirtualPaths.resolve("/", "n".repeat(300)))
                .isInstanceOf(PathRefusedException.class).hasMessage("File name too long");
        // 86 three-byte characters are 258 bytes although only 86 chars
        assertThatThrownBy(() -> VirtualPaths.resolve("/", "\u4e2d".repeat(86)))
                .isInstanceOf(PathRefusedException.class);
        String longPath = "/abcd".repeat(1000);
        assertThatThrownBy(() -> VirtualPaths.resolve("/", longPath))
                .isInstanceOf(PathRefusedException.class).hasMessage("Path too long");
        // a long name popped by .. later is refused all the same: no hidden 300-byte segment survives
        assertThatThrownBy(() -> VirtualPaths.resolve("/", "n".repeat(300) + "/.."))
                .isInstanceOf(PathRefusedException.class);
    }

    @Test
    void resolvedPathOverTheLimitIsRefusedEvenWhenEachPartFits() {
        String cwd = "/" + "d".repeat(200) + ("/" + "d".repeat(200)).repeat(19);  // about 4020 bytes
        assertThatThrownBy(() -> VirtualPaths.resolve(cwd, "e".repeat(200)))
                .isInstanceOf(PathRefusedException.class);
    }

    @Test
    void lookAlikesAndPercentEncodingAreOrdinaryNames() throws Exception {
        assertThat(VirtualPaths.resolve("/a", "\uff0e\uff0e\uff0fetc")).isEqualTo("/a/\uff0e\uff0e\uff0fetc");
        assertThat(VirtualPaths.resolve("/a", "%2e%2e/%2e%2e/etc")).isEqualTo("/a/%2e%2e/%2e%2e/etc");
        assertThat(VirtualPaths.resolve("/a", "%2e%2e%2fetc")).isEqualTo("/a/%2e%2e%2fetc");
        assertThat(VirtualPaths.resolve("/", "...")).isEqualTo("/...");
    }

    @Test
    void bookkeepingIsTheUploadFolderAndBelowOnly() {
        assertThat(VirtualPaths.isBookkeeping("/.upload")).isTrue();
        assertThat(VirtualPaths.isBookkeeping("/.upload/x")).isTrue();
        assertThat(VirtualPaths.isBookkeeping("/.uploads")).isFalse();
        assertThat(VirtualPaths.isBookkeeping("/.UPLOAD")).isFalse();
        assertThat(VirtualPaths.isBookkeeping("/a/.upload")).isFalse();
    }

    @Test
    void parentNameAndChild() {
        assertThat(VirtualPaths.parent("/a/b")).isEqualTo("/a");
        assertThat(VirtualPaths.parent("/a")).isEqualTo("/");
        assertThat(VirtualPaths.parent("/")).isEqualTo("/");
        assertThat(VirtualPaths.name("/a/b")).isEqualTo("b");
        assertThat(VirtualPaths.name("/")).isEqualTo("/");
        assertThat(VirtualPaths.child("/", "x")).isEqualTo("/x");
        assertThat(VirtualPaths.child("/a", "x")).isEqualTo("/a/x");
    }

    @Test
    void validNames() {
        assertThat(VirtualPaths.isValidName("report.txt")).isTrue();
        assertThat(VirtualPaths.isValidName("a\r\nb")).isFalse();
        assertThat(VirtualPaths.isValidName("..")).isFalse();
        assertThat(VirtualPaths.isValidName("a/b")).isFalse();
        assertThat(VirtualPaths.isValidName("")).isFalse();
    }
}
