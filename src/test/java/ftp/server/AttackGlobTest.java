package ftp.server;

import static org.assertj.core.api.Assertions.assertThat;

import ftp.fs.QuotaLedger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Globs in NLST, LIST and STAT, which {@code mget} relies on (issue 7): patterns built to make a backtracking
 * matcher take exponential time, patterns that try to list outside the home, and a tree 2000 levels deep.
 */
class AttackGlobTest {

    /** Runs {@code command} and returns how long the whole exchange took, in milliseconds. */
    private static long timed(Runnable command) {
        long start = System.nanoTime();
        command.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void patternsThatMakeBacktrackingMatchersExplodeAreAnsweredFast() throws IOException {
        try (TestServer server = TestServer.start()) {
            Path home = Files.createDirectories(server.home("alice"));
            for (int i = 0; i < 300; i++) {
                Files.createFile(home.resolve("a".repeat(120 + i % 100) + "-" + i));
            }
            Files.createFile(home.resolve("aaaaaaab"));
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                c.list("NLST"); // warm up
                for (String pattern : List.of("a*a*a*a*a*a*b", "*a*a*a*a*a*a*a*a*a*a*a*a*b",
                        "*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?b", "a*".repeat(120) + "b",
                        "[a]*[a]*[a]*[a]*[a]*[a]*[a]*[!a]b", "*[[[[[[[[[[[[*]]]]]]]]]*b")) {
                    List<String> names = new ArrayList<>();
                    long nlst = timed(() -> names.addAll(c.list("NLST " + pattern)));
                    long list = timed(() -> c.list("LIST " + pattern));
                    long stat = timed(() -> assertThat(c.command("STAT " + pattern)).startsWith("213"));
                    String shown = pattern.length() > 40 ? pattern.substring(0, 40) + "..." : pattern;
                    // A backtracking matcher would take years on these, not seconds.
                    assertThat(Math.max(nlst, Math.max(list, stat))).as("ms for %s", shown).isLessThan(5000);
                    assertThat(names).as(shown).allMatch(n -> n.endsWith("b"));
                }
                assertThat(c.list("NLST a*a*a*a*a*a*b")).isEqualTo(List.of("aaaaaaab"));
                assertThat(c.command("NOOP")).startsWith("200");
            }
        }
    }

    @Test
    void globsNeverListOutsideTheHome() throws IOException {
        try (TestServer server = TestServer.start()) {
            Path home = Files.createDirectories(server.home("alice")).toRealPath();
            Path outside = Files.createDirectories(server.base().resolve("outside"));
            Files.writeString(outside.resolve("secret-outside.txt"), "x");
            server.write("alice", "a1.txt", new byte[1]);
            server.write("alice", "dir/a2.txt", new byte[1]);
            server.write("bob", "bob-secret.txt", new byte[1]);
            Files.createSymbolicLink(home.resolve("etc"), Path.of("/etc"));
            Files.createSymbolicLink(home.resolve("out"), outside);
            Set<String> allowed = Set.of("a1.txt", "dir", "a2.txt", "dir/a2.txt", "/a1.txt", "/dir", "/dir/a2.txt");
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                for (String pattern : List.of("*", ".*", "../*", "../../*", "../../../../../*", "/../*", "/../../*",
                        "../bob/*", "../*/*", "dir/../../*", "/*", "*/*", "~/*", "~bob/*", "%2e%2e/*",
                        base(server) + "/*", base(server) + "/outside/*", "/etc/pass*", "../../../../etc/pass*")) {
                    for (String verb : List.of("NLST", "LIST")) {
                        AttackEvidence.Attempt a = AttackEvidence.attempt(c, verb + " " + pattern, null);
                        String text = new String(a.received(), StandardCharsets.UTF_8);
                        assertThat(text).as(verb + " " + pattern)
                                .doesNotContain("bob", "secret", "passwd", "outside", "etc", ".upload");
                        if (verb.equals("NLST")) {
                            for (String name : text.split("\r\n")) {
                                if (!name.isEmpty()) {
                                    assertThat(allowed).as(verb + " " + pattern).contains(name);
                                }
                            }
                        }
                    }
                    String stat = c.command("STAT " + pattern);
                    assertThat(stat.replace("Status of " + pattern, ""))
                            .doesNotContain("bob", "secret", "passwd", "outside", "etc", ".upload");
                }
                for (String refused : List.of("etc/*", "out/*", "etc/pass*", ".upload/*", "../.upload/*")) {
                    assertThat(AttackEvidence.attempt(c, "NLST " + refused, null).replies()).as(refused)
                            .startsWith("550");
                    assertThat(c.command("STAT " + refused)).as(refused).startsWith("550");
                }
            }
        }
    }

    private static String base(TestServer server) {
        try {
            return server.base().toRealPath().toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Builds the deep tree with directory handles (a 2000-level path is far past PATH_MAX for mkdir -p). */
    private static final String BUILD_DEEP_TREE = String.join("\n",
            "import os, sys",
            "fd = os.open(sys.argv[1], os.O_RDONLY)",
            "for i in range(int(sys.argv[2])):",
            "    os.mkdir('d', dir_fd=fd)",
            "    nfd = os.open('d', os.O_RDONLY, dir_fd=fd)",
            "    os.close(fd)",
            "    fd = nfd",
            "w = os.open('bottom.txt', os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)",
            "os.write(w, b'x' * 1234)",
            "os.close(w)",
            "");

    @Test
    void aTreeTwoThousandLevelsDeepIsListedMeasuredAndWalkedWithoutHarm() throws IOException {
        int depth = 2000;
        TestServer server = TestServer.start();
        Path deep = null;
        try {
            server.write("alice", "top.txt", new byte[100]);
            deep = Files.createDirectories(server.home("alice").resolve("deep"));
            AttackEvidence.ToolRun build = AttackEvidence.run(
                    List.of("python3", "-c", BUILD_DEEP_TREE, deep.toString(), Integer.toString(depth)), null, 60);
            assertThat(build.exit()).as(build.output()).isZero();
            // The first login measures the home for the quota: every level, the bottom file included. top.txt,
            // deep, its 2000 levels and bottom.txt cost a block each (issue 12: files and folders cost a block).
            try (ControlClient c = ControlClient.loggedIn(server.port(), "alice", "secret")) {
                assertThat(c.command("SITE QUOTA")).contains("\nused: " + (depth + 3) * QuotaLedger.BLOCK + "\n")
                        .contains("\nfiles: " + (depth + 3) + " of ");
                for (String cmd : List.of("NLST -R", "LIST -R", "NLST -R deep", "LIST -laR *", "NLST deep/*")) {
                    long ms = timed(() -> c.list(cmd));
                    assertThat(ms).as(cmd).isLessThan(5000);
                }
                assertThat(c.command("STAT -R")).startsWith("21");
                assertThat(c.command("STAT deep/*")).startsWith("213");
                String down = "d/".repeat(depth / 2);
                assertThat(c.command("CWD deep/" + down)).startsWith("250");
                assertThat(c.command("CWD " + down.substring(0, down.length() - 1))).startsWith("250");
                assertThat(c.list("NLST *.txt")).containsExactly("bottom.txt");
                assertThat(c.command("SIZE bottom.txt")).isEqualTo("213 1234");
                assertThat(c.fetch("RETR bottom.txt")).hasSize(1234);
                assertThat(c.command("MKD one-more")).as("the path is now at the length limit").matches("(257|553) .*");
                assertThat(c.command("CWD " + "../".repeat(1300))).startsWith("250");
                assertThat(c.command("CWD " + "../".repeat(1300))).startsWith("250");
                assertThat(c.command("PWD")).startsWith("257 \"/\"");
                assertThat(c.command("RMD deep")).startsWith("550");
                assertThat(c.list("NLST")).contains("top.txt", "deep");
            }
            try (ControlClient other = ControlClient.loggedIn(server.port(), "bob", "secret")) {
                assertThat(other.command("NOOP")).startsWith("200");
            }
        } finally {
            if (deep != null) {
                // rm walks with directory handles; Files.walk would hit PATH_MAX on the way down.
                AttackEvidence.run(List.of("rm", "-rf", deep.toString()), null, 60);
            }
            server.close();
        }
    }
}
