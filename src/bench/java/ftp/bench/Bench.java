package ftp.bench;

/**
 * What every scenario needs besides its target: the options, and the server process when this machine can see
 * it (null otherwise, and server-side numbers are left out). Immutable; any thread.
 *
 * @param firstLoginMillis connect to 230 of this run's first login; a cold password check when the server is fresh
 */
record Bench(BenchOptions options, ServerProcess server, double firstLoginMillis) {
    static final long MIB = 1L << 20;

    ServerProcess.Usage sample() {
        return server == null ? null : server.sample();
    }

    static void progress(String line) {
        System.err.println("  " + line);
    }
}
