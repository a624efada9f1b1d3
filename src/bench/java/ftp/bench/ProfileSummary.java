package ftp.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a flight recording (for example from {@code bench/run.sh --jfr FILE}) and prints where the time went:
 * Java execution samples by thread, by method on top of the stack (self), and by method anywhere on the stack
 * (inclusive); samples of threads in native code (socket and file I/O, waiting or copying); the biggest
 * allocators; and garbage collection pauses. Main thread.
 *
 * <p>Usage: {@code java -cp build/bench-classes ftp.bench.ProfileSummary FILE.jfr [--top N] [--thread PREFIX]}
 */
public final class ProfileSummary {
    private final Map<String, Long> byThread = new HashMap<>();
    private final Map<String, Long> self = new HashMap<>();
    private final Map<String, Long> inclusive = new HashMap<>();
    private final Map<String, Long> allocated = new HashMap<>();
    private final Map<String, Long> nativeSelf = new HashMap<>();
    private long samples;
    private long nativeSamples;
    private long gcCount;
    private Duration gcPauses = Duration.ZERO;

    private ProfileSummary() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || args[0].startsWith("-")) {
            System.err.println("usage: ProfileSummary FILE.jfr [--top N] [--thread PREFIX]");
            System.exit(2);
        }
        int top = 25;
        String thread = "";
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--top" -> top = Integer.parseInt(args[i + 1]);
                case "--thread" -> thread = args[i + 1];
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        ProfileSummary s = new ProfileSummary();
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            s.add(e, thread);
        }
        s.print(top);
    }

    private void add(RecordedEvent e, String threadPrefix) {
        String type = e.getEventType().getName();
        switch (type) {
            case "jdk.ExecutionSample" -> {
                String thread = threadName(e.getThread("sampledThread"));
                if (!thread.startsWith(threadPrefix)) {
                    return;
                }
                samples++;
                byThread.merge(thread.replaceAll("\\d+", "N"), 1L, Long::sum);
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) {
                    return;
                }
                List<RecordedFrame> frames = st.getFrames();
                self.merge(name(frames.get(0).getMethod()), 1L, Long::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : frames) {
                    String n = name(f.getMethod());
                    if (seen.add(n)) {
                        inclusive.merge(n, 1L, Long::sum);
                    }
                }
            }
            case "jdk.NativeMethodSample" -> {
                String thread = threadName(e.getThread("sampledThread"));
                RecordedStackTrace st = e.getStackTrace();
                if (!thread.startsWith(threadPrefix) || st == null || st.getFrames().isEmpty()) {
                    return;
                }
                nativeSamples++;
                List<RecordedFrame> frames = st.getFrames();
                String caller = frames.stream().map(f -> name(f.getMethod())).filter(n -> n.startsWith("ftp."))
                        .findFirst().orElse("-");
                nativeSelf.merge(thread.replaceAll("\\d+", "N") + "  " + name(frames.get(0).getMethod()) + "  <- "
                        + caller, 1L, Long::sum);
            }
            case "jdk.ObjectAllocationSample" -> {
                if (!threadName(e.getThread("eventThread")).startsWith(threadPrefix)) {
                    return;
                }
                RecordedStackTrace st = e.getStackTrace();
                String where = st == null ? "?" : st.getFrames().stream()
                        .map(f -> name(f.getMethod()))
                        .filter(n -> n.startsWith("ftp."))
                        .findFirst().orElse(st.getFrames().isEmpty() ? "?" : name(st.getFrames().get(0).getMethod()));
                allocated.merge(e.getClass("objectClass").getName() + " @ " + where, e.getLong("weight"), Long::sum);
            }
            case "jdk.GarbageCollection" -> {
                gcCount++;
                gcPauses = gcPauses.plus(e.getDuration("sumOfPauses"));
            }
            default -> {
                // not summarized
            }
        }
    }

    private static String threadName(RecordedThread t) {
        return t == null || t.getJavaName() == null ? "?" : t.getJavaName();
    }

    private static String name(RecordedMethod m) {
        return m == null ? "?" : m.getType().getName() + "." + m.getName();
    }

    private void print(int top) {
        System.out.printf(Locale.ROOT, "%d execution samples; %d GCs, %.1f ms paused in all%n", samples, gcCount,
                gcPauses.toNanos() / 1e6);
        table("threads (digits folded)", byThread, top, samples, "samples");
        table("self (top of stack)", self, top, samples, "samples");
        table("inclusive (anywhere on the stack)", inclusive, top, samples, "samples");
        table("in native code (blocked or working in the kernel): thread, native method, first ftp.* caller",
                nativeSelf, top, nativeSamples, "samples");
        long bytes = allocated.values().stream().mapToLong(Long::longValue).sum();
        table("allocation (estimated bytes, by class and first ftp.* frame)", allocated, top, bytes, "bytes");
    }

    private static void table(String title, Map<String, Long> counts, int top, long total, String unit) {
        System.out.println();
        System.out.println("== " + title);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "%6.1f%%  %12d %s  %s%n",
                        total == 0 ? 0.0 : 100.0 * e.getValue() / total, e.getValue(), unit, e.getKey()));
    }
}
