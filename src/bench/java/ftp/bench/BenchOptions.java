package ftp.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The load generator's command line. Defaults match the peer rig's full run (1 GiB, 3 runs, 15 s windows,
 * 50 clients) and the issue's idle figure (10,000 sessions); {@code --quick} shrinks everything to about a
 * minute in all. Immutable; any thread.
 */
record BenchOptions(String host, int port, String user, String password, String label, List<String> scenarios,
                    long sizeMib, int runs, int warmup, double seconds, int clients, int sessions, int openers,
                    double holdSeconds, int loadClients, String listCommand, String file, int bufferBytes,
                    boolean tls, String tlsProtocol, long serverPid, boolean fullGc, int pbkdf2Iterations,
                    boolean sync, Duration replyTimeout, Duration transferTimeout, Path jsonFile) {

    static final List<String> DEFAULT_SCENARIOS =
            List.of("idle", "retr", "retr-tls", "stor", "stor-tls", "small", "logins", "list-under-load", "stall-tls");
    static final Set<String> KNOWN = Set.of("idle", "retr", "stor", "small", "logins", "list-under-load", "stall");

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: java -cp build/bench-classes ftp.bench.BenchMain [options]",
            "  --host H              server address (127.0.0.1)",
            "  --port P              control port (2121)",
            "  --user U              account (bench); the password comes from --password, else $FTP_PASSWORD,",
            "  --password P          else 'benchpass' (the peer rig's account)",
            "  --label NAME          name in the output (host:port)",
            "  --only LIST           comma-separated scenarios, run in this order (" + String.join(",", DEFAULT_SCENARIOS) + ");",
            "                        NAME-tls runs NAME over explicit TLS (AUTH TLS, PROT P)",
            "  --tls                 every scenario over explicit TLS",
            "  --tls-protocol V      TLSv1.3 or TLSv1.2 (default: the JDK's choice, TLSv1.3 where the server has it)",
            "  --quick               64 MiB, 1 run, 3 s windows, 1000 idle sessions held 1 s (later options still apply)",
            "  --size-mib N          retr/stor size in MiB (1024); retr expects the remote file to be this big",
            "  --runs N              timed retr/stor runs (3)         --warmup N   untimed runs before them (1)",
            "  --seconds T           small/logins/list-under-load/stall window (15)",
            "  --clients C           small/logins concurrency (50)",
            "  --sessions K          idle sessions (10000)            --openers O  threads opening them (16)",
            "  --hold S              idle: seconds to hold before measuring (5)",
            "  --load-clients L      list-under-load downloaders (10, the server's default clients.max); stall: sessions",
            "                        of each attack (PASV+LIST never connected, PROT P RETR never handshaken, HASH)",
            "  --list-cmd CMD        listing in small and list-under-load: LIST (default, as the peer rig), NLST, MLSD",
            "  --file NAME           remote file for retr and list-under-load (big.bin)",
            "  --bufsize BYTES       retr read buffer (262144)",
            "  --server-pid PID      server process for CPU/memory (default: the owner of the listening socket)",
            "  --no-gc               idle: no full GC (jcmd GC.run) before the memory readings of a JVM server",
            "  --no-sync             stor: no sync before each timed run",
            "  --pbkdf2-iterations N reference PBKDF2 cost to report with logins (600000; 0 = skip)",
            "  --timeout S           seconds to wait for a reply (60)",
            "  --transfer-timeout S  longest a data connection may live (600)",
            "  --json FILE           also append the JSON lines to FILE");

    /** Names the target only: the password stays out of anything printed. */
    @Override
    public String toString() {
        return "BenchOptions[" + user + "@" + host + ":" + port + " " + scenarios + "]";
    }

    /** Parses {@code args}; null when help was asked for. */
    static BenchOptions parse(String[] args) {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        if (a.contains("-h") || a.contains("--help")) {
            return null;
        }
        boolean quick = a.remove("--quick");
        String host = "127.0.0.1";
        int port = 2121;
        String user = "bench";
        String password = System.getenv("FTP_PASSWORD") == null ? "benchpass" : System.getenv("FTP_PASSWORD");
        String label = null;
        List<String> scenarios = DEFAULT_SCENARIOS;
        long sizeMib = quick ? 64 : 1024;
        int runs = quick ? 1 : 3;
        int warmup = 1;
        double seconds = quick ? 3 : 15;
        int clients = 50;
        int sessions = quick ? 1000 : 10_000;
        int openers = 16;
        double hold = quick ? 1 : 5;
        int loadClients = 10;
        String listCommand = "LIST";
        String file = "big.bin";
        int bufferBytes = 256 * 1024;
        boolean tls = false;
        String tlsProtocol = null;
        long serverPid = 0;
        boolean fullGc = true;
        int pbkdf2 = 600_000;
        boolean sync = true;
        double timeout = 60;
        double transferTimeout = 600;
        Path json = null;
        for (int i = 0; i < a.size(); i++) {
            String opt = a.get(i);
            switch (opt) {
                case "--tls" -> tls = true;
                case "--no-gc" -> fullGc = false;
                case "--no-sync" -> sync = false;
                default -> {
                    if (i + 1 >= a.size()) {
                        throw new IllegalArgumentException("unknown option or missing value: " + opt);
                    }
                    String v = a.get(++i);
                    switch (opt) {
                        case "--host" -> host = v;
                        case "--port" -> port = (int) number(opt, v, 1, 65535);
                        case "--user" -> user = v;
                        case "--password" -> password = v;
                        case "--label" -> label = v;
                        case "--only" -> scenarios = scenarios(v);
                        case "--tls-protocol" -> tlsProtocol = v;
                        case "--size-mib" -> sizeMib = number(opt, v, 1, 1 << 20);
                        case "--runs" -> runs = (int) number(opt, v, 1, 1000);
                        case "--warmup" -> warmup = (int) number(opt, v, 0, 100);
                        case "--seconds" -> seconds = decimal(opt, v, 0.5, 3600);
                        case "--clients" -> clients = (int) number(opt, v, 1, 10_000);
                        case "--sessions" -> sessions = (int) number(opt, v, 1, 1_000_000);
                        case "--openers" -> openers = (int) number(opt, v, 1, 1000);
                        case "--hold" -> hold = decimal(opt, v, 0, 3600);
                        case "--load-clients" -> loadClients = (int) number(opt, v, 1, 10_000);
                        case "--list-cmd" -> listCommand = v;
                        case "--file" -> file = v;
                        case "--bufsize" -> bufferBytes = (int) number(opt, v, 1024, 64 << 20);
                        case "--server-pid" -> serverPid = number(opt, v, 1, Long.MAX_VALUE);
                        case "--pbkdf2-iterations" -> pbkdf2 = (int) number(opt, v, 0, 100_000_000);
                        case "--timeout" -> timeout = decimal(opt, v, 1, 86_400);
                        case "--transfer-timeout" -> transferTimeout = decimal(opt, v, 1, 86_400);
                        case "--json" -> json = Path.of(v);
                        default -> throw new IllegalArgumentException("unknown option: " + opt);
                    }
                }
            }
        }
        return new BenchOptions(host, port, user, password, label == null ? host + ":" + port : label, scenarios,
                sizeMib, runs, warmup, seconds, clients, sessions, openers, hold, loadClients, listCommand, file,
                bufferBytes, tls, tlsProtocol, serverPid, fullGc, pbkdf2, sync,
                Duration.ofMillis((long) (timeout * 1000)), Duration.ofMillis((long) (transferTimeout * 1000)), json);
    }

    private static List<String> scenarios(String v) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) {
            String name = s.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!KNOWN.contains(name.endsWith("-tls") ? name.substring(0, name.length() - 4) : name)) {
                throw new IllegalArgumentException("unknown scenario '" + name + "' (known: " + String.join(", ",
                        DEFAULT_SCENARIOS) + ", and NAME-tls for any of them)");
            }
            out.add(name);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--only needs at least one scenario");
        }
        return List.copyOf(out);
    }

    private static long number(String opt, String v, long min, long max) {
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new IllegalArgumentException(opt + " must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs a whole number, not '" + v + "'", e);
        }
    }

    private static double decimal(String opt, String v, double min, double max) {
        try {
            double n = Double.parseDouble(v);
            if (!(n >= min && n <= max)) {
                throw new IllegalArgumentException(opt + " must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs a number, not '" + v + "'", e);
        }
    }
}
