package ftp.client;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the test classes that run {@code bin/ftp} against a real server share: the server, started once per class
 * with the accounts egon (1 GiB), alex (1 MiB) and shx (no quota), password 123; and a fresh client folder for each
 * test.
 */
abstract class AgainstServer {
    @TempDir
    static Path serverDir;
    static TestServer server;

    @TempDir
    Path clientDir;

    @BeforeAll
    static void startServer() throws Exception {
        server = TestServer.start(serverDir, "egon", "1G", "alex", "1M", "shx", "none");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
