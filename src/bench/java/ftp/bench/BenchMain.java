package ftp.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The load generator's entry point: checks that the account can log in (timing that first login), runs the
 * chosen scenarios in order against any FTP server, prints one JSON line per scenario on standard output as it
 * finishes (progress goes to standard error), then a table of all of them. Exits 1 if a scenario failed, 2 on a
 * bad command line. Main thread.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) {
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (o == null) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        System.exit(run(o));
    }

    static int run(BenchOptions o) {
        InetAddress address;
        try {
            address = InetAddress.getByName(o.host());
        } catch (IOException e) {
            System.err.println("bench: cannot resolve " + o.host() + ": " + e.getMessage());
            return 1;
        }
        Target target = new Target(o.host(), address, o.port(), o.user(), o.password(), false, o.tlsProtocol(),
                o.replyTimeout(), o.transferTimeout(), new Watchdog());
        ServerProcess server = o.serverPid() > 0 ? new ServerProcess(o.serverPid())
                : isThisMachine(address) ? ServerProcess.listeningOn(o.port()).orElse(null) : null;
        if (server == null) {
            System.err.println("bench: the server process is not visible from here; server CPU and memory are left out");
        }
        double firstLogin;
        try {
            firstLogin = firstLogin(target.withTls(o.tls()));
        } catch (IOException e) {
            System.err.println("bench: cannot log in to " + o.host() + ":" + o.port() + " as " + o.user() + ": " + e);
            return 1;
        }
        System.err.printf("bench: %s:%d as %s, server pid %s, first login %.1f ms; scenarios %s%n", o.host(), o.port(),
                o.user(), server == null ? "unknown" : server.pid() + (server.isJvm() ? " (JVM)" : ""), firstLogin,
                String.join(",", o.scenarios()));
        Double load = loadAverage();
        if (load != null && load > Runtime.getRuntime().availableProcessors() / 2.0) {
            System.err.printf("bench: warning: load average %.2f before the run: other work will skew the numbers%n", load);
        }
        Bench bench = new Bench(o, server, firstLogin);
        List<JsonLine> results = new ArrayList<>();
        boolean failed = false;
        for (String name : o.scenarios()) {
            boolean tls = o.tls() || name.endsWith("-tls");
            String scenario = name.endsWith("-tls") ? name.substring(0, name.length() - 4) : name;
            System.err.printf("[%s] %s%s%n", OffsetDateTime.now().toLocalTime().truncatedTo(ChronoUnit.SECONDS),
                    scenario, tls ? " (TLS)" : "");
            JsonLine line = new JsonLine().put("scenario", scenario).put("label", o.label()).put("host", o.host())
                    .put("port", o.port()).put("tls", tls).put("loadavg_before", loadAverage())
                    .put("date", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
                            .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            try {
                line.putAll(run(scenario, bench, target.withTls(tls)));
            } catch (IOException | RuntimeException e) {
                line.put("error", e.toString());
                failed = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                line.put("error", "interrupted");
                failed = true;
            }
            line.put("server_pid", server == null ? null : server.pid());
            line.put("watchdog_closed", target.watchdog().expired());
            results.add(line);
            System.out.println(line);
            System.out.flush();
            append(o, line);
        }
        System.out.println();
        System.out.print(ResultTable.render(results));
        System.out.flush();
        return failed ? 1 : 0;
    }

    private static JsonLine run(String scenario, Bench b, Target t) throws IOException, InterruptedException {
        return switch (scenario) {
            case "retr" -> RetrScenario.run(b, t);
            case "stor" -> StorScenario.run(b, t);
            case "small" -> SmallScenario.run(b, t);
            case "logins" -> LoginsScenario.run(b, t);
            case "idle" -> IdleScenario.run(b, t);
            case "list-under-load" -> ListUnderLoadScenario.run(b, t);
            case "stall" -> StallScenario.run(b, t);
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        };
    }

    /** Connect to 230 of one login, then QUIT. */
    private static double firstLogin(Target t) throws IOException {
        long t0 = System.nanoTime();
        ControlConnection c = ControlConnection.open(t);
        try {
            c.login();
        } catch (IOException e) {
            c.close();
            throw e;
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        c.quit();
        return ms;
    }

    /**
     * The 1-minute load average of this machine, or null off Linux. Other work on the machine skews every number;
     * a value near or above the core count at the start of a scenario says its result is suspect.
     */
    static Double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII)
                    .trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isThisMachine(InetAddress a) {
        try {
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static void append(BenchOptions o, JsonLine line) {
        if (o.jsonFile() == null) {
            return;
        }
        try {
            Files.writeString(o.jsonFile(), line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("bench: cannot append to " + o.jsonFile() + ": " + e.getMessage());
        }
    }
}
