package ftp.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The median, minimum and maximum of repeated runs, and the runs themselves in order. Immutable. */
record RunSummary(double median, double min, double max, List<Double> runs) {
    static RunSummary of(List<Double> runs) {
        List<Double> s = new ArrayList<>(runs);
        Collections.sort(s);
        int n = s.size();
        double median = n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        return new RunSummary(median, s.get(0), s.get(n - 1), List.copyOf(runs));
    }

    /** Adds median, min, max, runs and value (= median), rounded to 0.1, as the peer rig's lines have them. */
    void into(JsonLine j) {
        j.put("median", JsonLine.round(median, 1)).put("min", JsonLine.round(min, 1))
                .put("max", JsonLine.round(max, 1))
                .put("runs", runs.stream().map(r -> JsonLine.round(r, 1)).toList())
                .put("value", JsonLine.round(median, 1));
    }
}
