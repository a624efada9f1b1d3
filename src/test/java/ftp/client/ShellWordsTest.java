package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShellWordsTest {

    @Test
    void splitsOnWhitespaceAndKeepsQuotedSpaces() {
        assertThat(ShellWords.split("  upload   a.txt  ")).containsExactly("upload", "a.txt");
        assertThat(ShellWords.split("upload \"my file.txt\" 'remote name'")).containsExactly("upload", "my file.txt",
                "remote name");
        assertThat(ShellWords.split("cd a\\ b")).containsExactly("cd", "a b");
        assertThat(ShellWords.split("rename \"say \\\"hi\\\"\" x")).containsExactly("rename", "say \"hi\"", "x");
        assertThat(ShellWords.split("ls \"\"")).containsExactly("ls", "");
        assertThat(ShellWords.split("   ")).isEmpty();
    }

    @Test
    void helpFlagsAreOrdinaryWords() {
        assertThat(ShellWords.split("ls /?")).containsExactly("ls", "/?");
        assertThat(ShellWords.split("cd --help")).containsExactly("cd", "--help");
        assertThat(Shell.isHelpFlag("/?")).isTrue();
        assertThat(Shell.isHelpFlag("--help")).isTrue();
        assertThat(Shell.isHelpFlag("/a")).isFalse();
    }

    @Test
    void scriptsSplitAtUnquotedSemicolons() {
        assertThat(ShellWords.commands("mkdir /a; cd /a ;ls;; ")).containsExactly("mkdir /a", "cd /a", "ls");
        assertThat(ShellWords.commands("upload \"a;b.txt\"; ls")).containsExactly("upload \"a;b.txt\"", "ls");
        assertThat(ShellWords.commands("upload a\\;b; ls")).containsExactly("upload a\\;b", "ls");
        assertThat(ShellWords.split(ShellWords.commands("upload a\\;b; ls").get(0))).containsExactly("upload", "a;b");
    }

    @Test
    void quotingRoundTrips() {
        for (String word : new String[] {"plain", "with space", "quo\"te", "semi;colon", "back\\slash", ""}) {
            assertThat(ShellWords.split("cmd " + ShellWords.quote(word))).containsExactly("cmd", word);
        }
        assertThat(ShellWords.quote("plain")).isEqualTo("plain");
    }
}
