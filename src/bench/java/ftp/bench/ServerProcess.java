package ftp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's process tree as {@code /proc} shows it: CPU time, resident memory (RSS, and PSS for forking
 * servers whose sessions share pages), threads and processes. Found by the process that owns the listening
 * socket, like the peer rig does, so any server on this machine can be measured. For a JVM, {@link #fullGc}
 * asks it for a full collection through {@code jcmd}, so that memory is compared after garbage is gone.
 * Linux only; any thread.
 */
final class ServerProcess {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final long pid;
    private final double ticksPerSecond;

    /** Resource use at one moment; CPU in seconds since the process started, memory in KiB. */
    record Usage(long nanos, double cpuSeconds, long rssKib, long pssKib, int threads, int processes) {}

    ServerProcess(long pid) {
        this.pid = pid;
        this.ticksPerSecond = clockTicks();
    }

    long pid() {
        return pid;
    }

    /** The root of the processes holding the socket that listens on {@code port}, if any (needs the right to look). */
    static Optional<ServerProcess> listeningOn(int port) {
        try {
            Optional<String> inode = listeningInode(port);
            if (inode.isEmpty()) {
                return Optional.empty();
            }
            String target = "socket:[" + inode.get() + "]";
            Set<Long> owners = new HashSet<>();
            for (long p : allPids()) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(p), "fd"))) {
                    for (Path fd : fds) {
                        try {
                            if (Files.readSymbolicLink(fd).toString().equals(target)) {
                                owners.add(p);
                                break;
                            }
                        } catch (IOException ignored) {
                            // the descriptor closed meanwhile
                        }
                    }
                } catch (IOException ignored) {
                    // not ours to look at, or gone
                }
            }
            Map<Long, Long> parents = parents();
            return owners.stream()
                    .filter(p -> !owners.contains(parents.getOrDefault(p, 0L)))
                    .min(Long::compare)
                    .map(ServerProcess::new);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> listeningInode(int port) throws IOException {
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            List<String> lines = Files.readAllLines(p, StandardCharsets.US_ASCII);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                String local = f[1];
                if (f[3].equals("0A") && Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16) == port) {
                    return Optional.of(f[9]);
                }
            }
        }
        return Optional.empty();
    }

    private static List<Long> allPids() throws IOException {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : d) {
                String name = p.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    out.add(Long.parseLong(name));
                }
            }
        }
        return out;
    }

    /** The fields of /proc/PID/stat after the command name; index 0 is field 3 (state). */
    private static Optional<String[]> stat(long p) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(p), "stat"), StandardCharsets.US_ASCII);
            return Optional.of(s.substring(s.lastIndexOf(')') + 2).trim().split("\\s+"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Map<Long, Long> parents() throws IOException {
        Map<Long, Long> parents = new HashMap<>();
        for (long p : allPids()) {
            stat(p).ifPresent(f -> parents.put(p, Long.parseLong(f[1])));
        }
        return parents;
    }

    private List<Long> tree() throws IOException {
        Map<Long, List<Long>> children = new HashMap<>();
        parents().forEach((child, parent) -> children.computeIfAbsent(parent, k -> new ArrayList<>()).add(child));
        List<Long> out = new ArrayList<>();
        List<Long> todo = new ArrayList<>(List.of(pid));
        while (!todo.isEmpty()) {
            long p = todo.remove(todo.size() - 1);
            if (Files.exists(Path.of("/proc", Long.toString(p)))) {
                out.add(p);
                todo.addAll(children.getOrDefault(p, List.of()));
            }
        }
        return out;
    }

    /** A snapshot of the whole tree; CPU includes reaped children (forking servers' finished sessions). */
    Usage sample() {
        long now = System.nanoTime();
        double cpu = 0;
        long rss = 0;
        long pss = 0;
        int threads = 0;
        List<Long> pids;
        try {
            pids = tree();
        } catch (IOException e) {
            pids = List.of(pid);
        }
        for (long p : pids) {
            Optional<String[]> f = stat(p);
            if (f.isPresent()) {
                String[] s = f.get();
                cpu += (Long.parseLong(s[11]) + Long.parseLong(s[12]) + Long.parseLong(s[13])
                        + Long.parseLong(s[14])) / ticksPerSecond;
            }
            rss += statusField(p, "status", "VmRSS:");
            threads += (int) statusField(p, "status", "Threads:");
            pss += statusField(p, "smaps_rollup", "Pss:");
        }
        return new Usage(now, cpu, rss, pss, threads, pids.size());
    }

    private static long statusField(long p, String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p), file), StandardCharsets.US_ASCII)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // gone, or not ours to read
        }
        return 0;
    }

    /** {@code server}'s usage now, or null when there is no server process to look at. */
    static Usage sampleOrNull(ServerProcess server) {
        return server == null ? null : server.sample();
    }

    /** CPU use between two samples, in percent of one core (200 = both cores of a 2-core machine). */
    static Double cpuPercent(Usage a, Usage b) {
        if (a == null || b == null || b.nanos() <= a.nanos()) {
            return null;
        }
        return 100.0 * (b.cpuSeconds() - a.cpuSeconds()) / ((b.nanos() - a.nanos()) / 1e9);
    }

    boolean isJvm() {
        return ProcessHandle.of(pid).flatMap(h -> h.info().command()).map(c -> c.endsWith("/java")).orElse(false);
    }

    /** Runs a full GC in the server JVM ({@code jcmd PID GC.run}); returns the heap in use after it, in KiB, if told. */
    Optional<Long> fullGc() {
        if (!isJvm() || jcmd("GC.run").isEmpty()) {
            return Optional.empty();
        }
        long used = 0;
        boolean found = false;
        for (String line : jcmd("GC.heap_info").orElse("").split("\n")) {
            if (line.contains("Metaspace") || line.contains("class space")) {
                continue; // not heap
            }
            Matcher m = HEAP_USED.matcher(line); // G1: one heap line; Serial/Parallel: one line per generation
            while (m.find()) {
                used += Long.parseLong(m.group(1));
                found = true;
            }
        }
        return found ? Optional.of(used) : Optional.empty();
    }

    private Optional<String> jcmd(String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return Optional.of(new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Double.parseDouble(out);
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
