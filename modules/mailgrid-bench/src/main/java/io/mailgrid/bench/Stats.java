package io.mailgrid.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles and medians of measured figures. */
final class Stats {

    private Stats() {
    }

    /** The p-th percentile (0..100) by nearest rank; NaN for no values. */
    static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    static double median(List<Double> values) {
        return percentile(values, 50);
    }

    /**
     * Each run's figure divided by the other figure of the same run (run i with run i), rounded to
     * 3 decimals: a comparison the machine's changes from run to run do not skew, as a ratio of two
     * medians taken from different runs can be.
     */
    static List<Double> sameRunRatios(List<Double> figures, List<Double> baselines) {
        if (figures.size() != baselines.size()) {
            throw new IllegalArgumentException("runs differ: " + figures.size() + " against " + baselines.size());
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < figures.size(); i++) {
            ratios.add(round(figures.get(i) / baselines.get(i), 3));
        }
        return ratios;
    }

    static double round(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
