package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.testing.Eventually;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/ftp} on a terminal, typed at through a pseudo-terminal: Ctrl-C stops a transfer and keeps the session,
 * the partial file and its record; Ctrl-C at the prompt drops the line; Ctrl-D says goodbye; the line editor's keys,
 * history and Tab completion; the password asked only once connected, and not echoed; {@code !cmd}; the terminal's
 * settings put back however the client ends.
 */
class ClientTerminalTest extends AgainstServer {
    private static final int MB = 1 << 20;
    private static final String CTRL_C = "\u0003";
    private static final String CTRL_D = "\u0004";
    private static final String PROMPT = "[egon@localhost ~]# ";
    /** What {@code stty -g} prints: the terminal's settings as colon-separated hex numbers. */
    private static final Pattern SETTINGS = Pattern.compile("[0-9a-f]+(?::[0-9a-f]+){10,}");

    /** The environment {@link ClientRun} gives the client, plus a password so that only the prompt is typed at. */
    private static Map<String, String> env() {
        return Map.of("FTP_PASSWORD", "123", "LC_ALL", "C.UTF-8", "LANG", "", "LC_MESSAGES", "");
    }

    private PseudoTerminal loggedIn(ClientRun client) throws Exception {
        PseudoTerminal tty = PseudoTerminal.start(client.command("egon"), clientDir, env(), 100);
        tty.waitFor(PROMPT);
        return tty;
    }

    @Test
    void ctrlCStopsADownloadKeepsTheSessionAndTheSamePromptResumesIt() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Path remote = server.home("egon").resolve("tty-down.bin");
        ClientEndToEndTest.write(remote, 64L * MB, 41);
        Path journal = client.files().resolve(".download");
        try (PseudoTerminal tty = loggedIn(client)) {
            tty.type("download tty-down.bin\r");
            assertThat(Eventually.holds(() -> ClientRun.partSize(journal) > 4 * MB)).isTrue();
            tty.type(CTRL_C);
            String screen = tty.waitFor("continues it.");
            assertThat(screen).containsPattern("Interrupted at \\d{1,2}%: resume_download ~/tty-down.bin continues it");
            assertThat(ClientRun.partSize(journal)).isBetween(1L, 64L * MB - 1);
            tty.waitFor(PROMPT);

            tty.type("resume_download tty-down.bin\r");
            tty.waitFor("MD5 verified");
            tty.waitFor(PROMPT);
            tty.type("quit\r");
            tty.waitFor("Goodbye!");
            tty.exit();
        }
        assertThat(Files.mismatch(remote, client.files().resolve("tty-down.bin"))).isEqualTo(-1);
    }

    @Test
    void ctrlCStopsAnUploadKeepsTheRecordAndTheSamePromptResumesIt() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port(), "locale=zh_CN");
        Path local = client.files().resolve("tty-up.bin");
        ClientEndToEndTest.write(local, 64L * MB, 42);
        Path remote = server.home("egon").resolve("tty-up.bin");
        try (PseudoTerminal tty = loggedIn(client)) {
            tty.type("upload tty-up.bin\r");
            assertThat(Eventually.holds(() -> ClientRun.sizeOf(remote) > 4 * MB)).isTrue();
            tty.type(CTRL_C);
            assertThat(tty.waitFor("继续。")).containsPattern("已中断于 \\d{1,2}%: 输入 resume_upload ~/tty-up.bin 继续");
            tty.waitFor(PROMPT);
            try (Stream<Path> records = Files.list(client.files().resolve(".upload"))) {
                assertThat(records).hasSize(1);
            }

            tty.type("resume_upload tty-up.bin\r");
            tty.waitFor("MD5校验一致");
            tty.waitFor(PROMPT);
            tty.type(CTRL_D);
            tty.waitFor("再见!");
            tty.exit();
        }
        assertThat(Files.mismatch(local, remote)).isEqualTo(-1);
    }

    @Test
    void ctrlCStopsAFolderUploadAndTheSameCommandGoesOnWhereItStopped() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Path tree = client.files().resolve("tty-tree");
        ClientEndToEndTest.write(tree.resolve("1-small.bin"), 100_000, 43);
        ClientEndToEndTest.write(tree.resolve("2-big.bin"), 96L * MB, 44);
        ClientEndToEndTest.write(tree.resolve("3-after.bin"), 100_000, 45);
        Path big = server.home("egon").resolve("tty-tree/2-big.bin");
        try (PseudoTerminal tty = loggedIn(client)) {
            tty.type("upload -r tty-tree\r");
            assertThat(Eventually.holds(() -> ClientRun.sizeOf(big) > 4 * MB)).isTrue();
            tty.type(CTRL_C);
            assertThat(tty.waitFor("this one resumes.")).containsPattern(
                    "Interrupted at \\d{1,2}% of ~/tty-tree/2-big.bin \\(file 2 of 3\\)\\. Run upload -r tty-tree again");
            assertThat(server.home("egon").resolve("tty-tree/3-after.bin")).doesNotExist();
            tty.waitFor(PROMPT);
            tty.type("upload -r tty-tree\r");
            tty.waitFor("2 sent, 1 already there, 0 failed");
            tty.waitFor(PROMPT);
            tty.type("quit\r");
            tty.exit();
        }
        for (String name : List.of("1-small.bin", "2-big.bin", "3-after.bin")) {
            assertThat(Files.mismatch(tree.resolve(name), server.home("egon").resolve("tty-tree/" + name))).isEqualTo(-1);
        }
    }

    @Test
    void theLineEditorsKeysHistoryAndTabDoWhatAShellsDo() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        Files.writeString(server.home("egon").resolve("tab-remote-file.txt"), "remote");
        Files.writeString(client.files().resolve("tab-local-file.txt"), "local");
        Path home = server.home("egon");
        try (PseudoTerminal tty = loggedIn(client)) {
            tty.type("mkdir never-made" + CTRL_C);
            tty.waitFor("^C");
            tty.type("kdir edited\u0001m\u0005-dir\r"); // Ctrl-A, Ctrl-E
            tty.type("rubbish\u0015mkdir cut\r"); // Ctrl-U
            tty.type("mkdir one two\u0017\r"); // Ctrl-W
            tty.type("mkdir abd\u001b[Dc\r"); // Left
            tty.type("mkdir hist-1\r");
            tty.type("\u001b[Ax\u007f\u007f2\r"); // Up, Backspace
            tty.type("dow\ttab-r\t\r"); // Tab: a command, then a remote name
            tty.type("upl\ttab-l\t\r"); // and a local name
            tty.type("\u000c"); // Ctrl-L
            tty.type("mkdir last\r");
            assertThat(Eventually.holds(() -> Files.isDirectory(home.resolve("last")))).isTrue();
            tty.type(CTRL_D);
            tty.waitFor("Goodbye!");
            tty.exit();
            assertThat(tty.screen()).contains("\033[H\033[2J").doesNotContain("command not found");
        }
        for (String made : List.of("edited-dir", "cut", "one", "abcd", "hist-1", "hist-2")) {
            assertThat(home.resolve(made)).as(made).isDirectory();
        }
        assertThat(home.resolve("never-made")).doesNotExist();
        assertThat(client.files().resolve("tab-remote-file.txt")).hasContent("remote");
        assertThat(home.resolve("tab-local-file.txt")).hasContent("local");
        assertThat(Files.readAllLines(client.conf().resolve("history"), StandardCharsets.UTF_8))
                .contains("mkdir hist-1", "mkdir hist-2", "download tab-remote-file.txt");

        try (PseudoTerminal again = loggedIn(client)) {
            again.type("\u001b[A\u001b[A\u001b[A\u001b[A\u0001" + "\u001b[3~".repeat(5) + "rmdir\r"); // Home, Delete
            assertThat(Eventually.holds(() -> !Files.exists(home.resolve("hist-2")))).as(again.screen()).isTrue();
            again.type("quit\r");
            again.exit();
        }
    }

    @Test
    void thePasswordIsAskedOnlyOnceConnectedAndIsNotEchoed() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        List<String> command = new ArrayList<>(client.command("egon"));
        int user = command.indexOf("-u");
        command.subList(user, user + 2).clear();
        Map<String, String> noPassword = Map.of("LC_ALL", "C.UTF-8", "LANG", "", "LC_MESSAGES", "");
        try (PseudoTerminal tty = PseudoTerminal.start(command, clientDir, noPassword, 100)) {
            tty.waitFor("username>>:");
            tty.type("egon\r");
            tty.waitFor("password>>:");
            tty.type("123\r");
            String screen = tty.waitFor(PROMPT);
            assertThat(screen.substring(screen.indexOf("password>>:"))).doesNotContain("123");
            tty.type("quit\r");
            tty.exit();
        }

        int closed;
        try (ServerSocket nobody = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = nobody.getLocalPort();
        }
        ClientRun down = new ClientRun(clientDir.resolve("down"), closed);
        List<String> toNobody = new ArrayList<>(down.command("egon"));
        toNobody.subList(toNobody.indexOf("-u"), toNobody.indexOf("-u") + 2).clear();
        try (PseudoTerminal tty = PseudoTerminal.start(toNobody, clientDir, noPassword, 100)) {
            assertThat(tty.exit()).isEqualTo(1);
            assertThat(tty.screen()).contains("Cannot connect to 127.0.0.1:" + closed).doesNotContain(">>:");
        }
    }

    @Test
    void aBangRunsALocalShellCommandInTheLocalFolder() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        try (PseudoTerminal tty = loggedIn(client)) {
            tty.type("!echo said-$((6 * 7)) in $(pwd)\r");
            tty.waitFor("said-42 in " + client.files());
            tty.type("quit\r");
            tty.exit();
        }
    }

    @Test
    void theTerminalIsPutBackWhenTheClientQuitsOrIsKilled() throws Exception {
        ClientRun client = new ClientRun(clientDir, server.port());
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "stty -g; \"$@\"; stty -g", "sh"));
        wrapped.addAll(client.command("egon"));
        for (boolean killed : new boolean[] {false, true}) {
            try (PseudoTerminal tty = PseudoTerminal.start(wrapped, clientDir, env(), 100)) {
                tty.waitFor(PROMPT);
                if (killed) {
                    ProcessHandle java = ProcessHandle.current().descendants()
                            .filter(p -> p.info().command().orElse("").endsWith("java")
                                    && p.info().arguments().map(a -> List.of(a).contains(client.conf().toString()))
                                            .orElse(false))
                            .findFirst().orElseThrow();
                    java.destroy();
                } else {
                    tty.type("quit\r");
                }
                tty.exit();
                List<String> settings = SETTINGS.matcher(tty.screen()).results().map(MatchResult::group).toList();
                assertThat(settings).as(tty.screen()).hasSize(2);
                assertThat(settings.get(1)).as("killed: %s", killed).isEqualTo(settings.get(0));
            }
        }
    }
}
