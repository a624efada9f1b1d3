package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shell without a server: help, argument checks, local commands, exit codes. */
class ShellTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Shell shell(String input, Locale locale) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        ClientSettings settings = ClientSettings.load(conf);
        Terminal terminal = new Terminal(null, new BufferedReader(new StringReader(input)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
        Messages messages = new Messages(locale);
        // Port 1 on loopback: nothing listens, so a command that needs the server fails at once.
        Connector connector = new Connector("127.0.0.1", 1, false, settings, messages, terminal, null);
        return new Shell(new ShellSession(messages, terminal, settings, connector, "egon", new char[0], null));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyCommandExplainsItselfWithHelpOrSlashQuestionMark() throws Exception {
        Shell shell = shell("", Locale.ENGLISH);
        for (String command : new String[] {"ls", "cd", "pwd", "mkdir", "rmdir", "remove", "rm", "rename", "quota",
            "upload", "resume_upload", "download", "resume_download", "lcd", "lls", "lpwd", "quit", "exit", "help"}) {
            out.reset();
            assertThat(shell.execute(command + " --help")).as(command).isTrue();
            assertThat(out()).as(command).startsWith("usage: ");
            String viaHelp = out();
            out.reset();
            assertThat(shell.execute(command + " /?")).isTrue();
            assertThat(out()).isEqualTo(viaHelp);
        }
        assertThat(shell.anyFailed()).isFalse();
        assertThat(err()).isEmpty();
    }

    @Test
    void helpListsEveryCommand() throws Exception {
        Shell shell = shell("", Locale.ENGLISH);
        assertThat(shell.execute("help")).isTrue();
        assertThat(out()).contains("ls [path]", "cd [path]", "mkdir [-p] path", "rmdir path", "remove path",
                "upload [-f] [-r] local [remote]", "resume_upload", "download [-f] [-r] remote [local]", "mput", "mget", "resume_download", "quota",
                "lcd", "lls", "lpwd", "quit").contains("Local folder: " + dir.resolve("files"));
    }

    @Test
    void helpIsInChineseUnderAChineseLocale() throws Exception {
        Shell shell = shell("", Locale.SIMPLIFIED_CHINESE);
        shell.execute("ls /?");
        assertThat(out()).contains("用法: ls [路径]").contains("只能查看到自己家目录的范围");
    }

    @ParameterizedTest
    @ValueSource(strings = {"en", "zh-CN"})
    void helpSummariesLineUpByDisplayWidthAndEndAsSentences(String language) throws Exception {
        Locale locale = Locale.forLanguageTag(language);
        Shell shell = shell("", locale);
        assertThat(shell.execute("help")).isTrue();
        Messages m = new Messages(locale);
        List<String> rows = out().lines().filter(l -> l.startsWith("  ")).toList();
        assertThat(rows).hasSizeGreaterThan(15);
        for (String row : rows) {
            String word = row.trim().split(" ")[0];
            String command = word.startsWith("!") ? "shell" : word;
            String summary = m.get("help." + command + ".text").lines().findFirst().orElseThrow();
            assertThat(DisplayWidth.of(row.substring(0, row.lastIndexOf(summary)))).as(row).isEqualTo(41);
            assertThat(summary).as(command).doesNotEndWith(",").doesNotEndWith("，");
        }
    }

    @Test
    void unknownCommandsAndWrongArgumentCountsFailTheExitCode() throws Exception {
        Shell shell = shell("bogus\nmkdir\n", Locale.ENGLISH);
        assertThat(shell.run(null)).isEqualTo(1);
        assertThat(err()).contains("bogus: command not found").contains("usage: mkdir [-p] path");
    }

    @Test
    void aCommandThatCannotReachTheServerFails() throws Exception {
        Shell shell = shell("", Locale.ENGLISH);
        assertThat(shell.execute("ls")).isFalse();
        assertThat(err()).isNotEmpty();
    }

    @Test
    void localCommandsWorkWithoutTheServer() throws Exception {
        Files.createDirectories(dir.resolve("files/sub"));
        Files.write(dir.resolve("files/a.bin"), new byte[2048]);
        Shell shell = shell("lpwd\nlls\nlcd sub\nlpwd\nlcd\nlpwd\n# a comment\n\nquit\nls\n", Locale.ENGLISH);
        assertThat(shell.run(null)).isZero();
        assertThat(out()).contains("2.00 KiB  a.bin").contains("sub/");
        assertThat(out().lines().filter(l -> l.equals(dir.resolve("files/sub").toString()))).hasSize(1);
        assertThat(out().lines().filter(l -> l.equals(dir.resolve("files").toString()))).hasSize(2);
    }

    @Test
    void scriptsRunTheirCommandsInOrderAndStopAtQuit() throws Exception {
        Shell shell = shell("", Locale.ENGLISH);
        assertThat(shell.run("lpwd; quit; bogus")).isZero();
        assertThat(out().lines()).containsExactly(dir.resolve("files").toString());
    }

    @Test
    void uploadingAMissingFileFailsBeforeConnecting() throws Exception {
        Shell shell = shell("", Locale.ENGLISH);
        assertThat(shell.execute("upload nothing-here.txt")).isFalse();
        assertThat(err()).contains("No such local file or directory");
    }
}
