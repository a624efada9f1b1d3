package ftp.bench;

/**
 * The server's CPU (when this machine can see its process) and this process's over a stretch of wall time, in
 * percent of one core: {@link #start} samples both, {@link #end} samples them again. One thread.
 */
final class CpuSpan {
    private final ServerProcess server;
    private final ServerProcess.Usage server0;
    private final long self0;
    private final long wall0;
    private ServerProcess.Usage server1;
    private long self1;
    private long wall1;

    private CpuSpan(ServerProcess server) {
        this.server = server;
        server0 = ServerProcess.sampleOrNull(server);
        self0 = TimedWindow.selfCpuNanos();
        wall0 = System.nanoTime();
    }

    /** {@code server} may be null: its share is then left out. */
    static CpuSpan start(ServerProcess server) {
        return new CpuSpan(server);
    }

    void end() {
        server1 = ServerProcess.sampleOrNull(server);
        self1 = TimedWindow.selfCpuNanos();
        wall1 = System.nanoTime();
    }

    /** Null when the server cannot be seen from here. */
    Double serverPercent() {
        return ServerProcess.cpuPercent(server0, server1);
    }

    /** Null where the JDK cannot tell this process's CPU time. */
    Double clientPercent() {
        return self0 < 0 || wall1 == wall0 ? null : 100.0 * (self1 - self0) / (wall1 - wall0);
    }

    /** Adds {@code server_cpu_pct} and {@code client_cpu_pct} to {@code j}. */
    JsonLine into(JsonLine j) {
        return j.put("server_cpu_pct", JsonLine.round(serverPercent(), 1))
                .put("client_cpu_pct", JsonLine.round(clientPercent(), 1));
    }
}
