package ftp.bench;

import java.io.IOException;

/** The server answered a command with a code the scenario cannot go on from. */
final class UnexpectedReply extends IOException {
    private static final long serialVersionUID = 1L;

    UnexpectedReply(String command, Reply reply) {
        super(shown(command) + " -> " + reply.text().lines().findFirst().orElse(""));
    }

    /** The command as it may appear in output: a password never does. */
    private static String shown(String command) {
        return command.regionMatches(true, 0, "PASS ", 0, 5) ? "PASS ****" : command;
    }
}
