package ftp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/ftp --help} as a new user runs it: every option explained on standard output, exit 0. */
class ClientHelpTest {
    @TempDir
    Path dir;

    @Test
    void helpExplainsEveryOptionOnStandardOutput() throws Exception {
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(Programs.ftp(List.of("--help"))).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String help = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(Files.readString(err, StandardCharsets.UTF_8)).isZero();
        assertThat(help).startsWith("usage: ftp ");
        for (String option : List.of("-u, --user USER", "-c \"CMD; CMD\"", "--plain", "--debug", "--conf DIR",
            "FTP_PASSWORD")) {
            assertThat(help.lines()).as(option).anyMatch(l -> l.contains(option) && l.length() > option.length() + 10);
        }
        assertThat(err).isEmptyFile();
    }
}
