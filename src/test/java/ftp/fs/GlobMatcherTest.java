package ftp.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobMatcherTest {

    @Test
    void recognizesPatterns() {
        assertThat(GlobMatcher.isGlob("*.txt")).isTrue();
        assertThat(GlobMatcher.isGlob("a?c")).isTrue();
        assertThat(GlobMatcher.isGlob("[ab]")).isTrue();
        assertThat(GlobMatcher.isGlob("plain.txt")).isFalse();
    }

    @Test
    void starsAndQuestionMarks() {
        assertThat(GlobMatcher.matches("*.txt", "notes.txt")).isTrue();
        assertThat(GlobMatcher.matches("*.txt", "notes.txt.bak")).isFalse();
        assertThat(GlobMatcher.matches("*", "")).isTrue();
        assertThat(GlobMatcher.matches("*", "anything")).isTrue();
        assertThat(GlobMatcher.matches("a*b*c", "axxbyyc")).isTrue();
        assertThat(GlobMatcher.matches("a*b*c", "axxbyy")).isFalse();
        assertThat(GlobMatcher.matches("???", "abc")).isTrue();
        assertThat(GlobMatcher.matches("???", "ab")).isFalse();
        assertThat(GlobMatcher.matches("?", "\ud83d\ude00")).as("one code point").isTrue();
        assertThat(GlobMatcher.matches("exact", "exact")).isTrue();
        assertThat(GlobMatcher.matches("exact", "exacT")).isFalse();
        assertThat(GlobMatcher.matches("**a**", "bab")).isTrue();
    }

    @Test
    void characterClasses() {
        assertThat(GlobMatcher.matches("file[123].txt", "file2.txt")).isTrue();
        assertThat(GlobMatcher.matches("file[123].txt", "file4.txt")).isFalse();
        assertThat(GlobMatcher.matches("[a-c]x", "bx")).isTrue();
        assertThat(GlobMatcher.matches("[a-c]x", "dx")).isFalse();
        assertThat(GlobMatcher.matches("[!x]y", "ay")).isTrue();
        assertThat(GlobMatcher.matches("[!x]y", "xy")).isFalse();
        assertThat(GlobMatcher.matches("[^x]y", "xy")).isFalse();
        assertThat(GlobMatcher.matches("[]]", "]")).isTrue();
        assertThat(GlobMatcher.matches("a[", "a[")).as("unclosed bracket is literal").isTrue();
        assertThat(GlobMatcher.matches("[a-]", "-")).isTrue();
    }

    @Test
    void pathologicalPatternIsFast() {
        String name = "a".repeat(5000);
        String pattern = "a*a*a*a*a*a*a*a*a*a*b";
        long start = System.nanoTime();
        boolean matched = GlobMatcher.matches(pattern, name);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(matched).isFalse();
        assertThat(millis).as("a backtracking matcher would take years").isLessThan(1000);
        assertThat(GlobMatcher.matches(pattern, name + "b")).isTrue();
    }
}
