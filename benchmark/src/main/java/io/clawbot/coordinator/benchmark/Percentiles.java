package io.clawbot.coordinator.benchmark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A series of durations summed up for the report: p50, p95 and max (nearest rank), to a tenth of a unit. */
final class Percentiles {

    private Percentiles() {
    }

    static Map<String, Object> of(List<Double> values) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("n", values.size());
        if (values.isEmpty()) {
            return out;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        out.put("p50", round(rank(sorted, 0.50)));
        out.put("p95", round(rank(sorted, 0.95)));
        out.put("max", round(sorted.getLast()));
        return out;
    }

    static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static double rank(List<Double> sorted, double quantile) {
        return sorted.get((int) Math.ceil(quantile * sorted.size()) - 1);
    }
}
