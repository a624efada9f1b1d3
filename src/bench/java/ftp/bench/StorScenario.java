package ftp.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code stor}: one session uploads S MiB (a 1 MiB random block sent S times) repeatedly; MiB/s per run. Before
 * each timed run the machine's dirty pages are flushed ({@code sync}), so every run starts alike. After each run
 * (untimed) the size is checked, then the server is asked for the file's MD5 ({@code HASH}, else {@code XMD5}):
 * the time that takes shows how much digesting was left after the upload ended, and the digest must match.
 * Main thread.
 */
final class StorScenario {
    private static final Pattern MD5_HEX = Pattern.compile("\\b([0-9a-fA-F]{32})\\b");

    private StorScenario() {}

    static JsonLine run(Bench b, Target t) throws IOException, InterruptedException {
        BenchOptions o = b.options();
        byte[] block = new byte[(int) Bench.MIB];
        new Random(42).nextBytes(block);
        ByteBuffer chunk = ByteBuffer.allocateDirect(block.length).put(block).flip();
        String expected = expectedMd5(block, o.sizeMib());
        String prefix = "stor-" + ProcessHandle.current().pid() + "-";
        List<Double> rates = new ArrayList<>();
        List<Double> hashMillis = new ArrayList<>();
        boolean sizeOk = true;
        boolean hashOk = true;
        String hashVerb = "HASH";
        CpuSpan cpu = null; // started by the first timed run (--runs is at least 1)
        String tls;
        try (ControlConnection c = ControlConnection.session(t)) {
            for (int i = 0; i < o.warmup(); i++) {
                String name = prefix + "w" + i + ".bin";
                c.upload("STOR " + name, chunk, o.sizeMib());
                c.require("DELE " + name, 2);
            }
            for (int i = 0; i < o.runs(); i++) {
                String name = prefix + i + ".bin";
                if (o.sync()) {
                    syncDisks();
                }
                if (i == 0) {
                    cpu = CpuSpan.start(b.server());
                }
                long t0 = System.nanoTime();
                c.upload("STOR " + name, chunk, o.sizeMib());
                double seconds = (System.nanoTime() - t0) / 1e9;
                double rate = o.sizeMib() / seconds;
                rates.add(rate);
                Reply size = c.command("SIZE " + name);
                if (size.code() == 213) {
                    sizeOk &= size.text().substring(4).trim().equals(Long.toString(o.sizeMib() * Bench.MIB));
                }
                if (hashVerb != null) {
                    long h0 = System.nanoTime();
                    Reply r = c.command(hashVerb + " " + name);
                    if (!r.is(2) && hashVerb.equals("HASH")) {
                        hashVerb = "XMD5";
                        h0 = System.nanoTime();
                        r = c.command(hashVerb + " " + name);
                    }
                    Matcher m = MD5_HEX.matcher(r.text());
                    if (r.is(2) && m.find()) {
                        hashMillis.add((System.nanoTime() - h0) / 1e6);
                        hashOk &= m.group(1).equalsIgnoreCase(expected);
                    } else {
                        hashVerb = null;
                    }
                }
                c.require("DELE " + name, 2);
                Bench.progress(String.format("stor run %d: %d MiB in %.3f s = %.1f MiB/s%s", i + 1, o.sizeMib(),
                        seconds, rate, hashMillis.size() > i ? String.format(", then MD5 in %.1f ms",
                                hashMillis.get(i)) : ""));
            }
            cpu.end();
            tls = c.tlsDescription();
            c.quit();
        }
        JsonLine j = cpu.into(new JsonLine().put("unit", "MiB/s").put("bytes", o.sizeMib() * Bench.MIB)
                .put("size_ok", sizeOk));
        RunSummary.of(rates).into(j);
        j.put("tls_session", tls);
        j.put("hash_verb", hashVerb).put("hash_ok", hashVerb == null ? null : hashOk)
                .put("hash_ms", hashMillis.stream().map(x -> JsonLine.round(x, 1)).toList());
        return j;
    }

    private static String expectedMd5(byte[] block, long times) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            for (long i = 0; i < times; i++) {
                md5.update(block);
            }
            return HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    private static void syncDisks() throws IOException, InterruptedException {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
    }
}
