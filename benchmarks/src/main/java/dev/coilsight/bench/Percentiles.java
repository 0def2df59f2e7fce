package dev.coilsight.bench;

import java.util.Arrays;
import java.util.Collection;

/**
 * Latency percentiles by the nearest-rank method: p is the smallest value with at least p % of the
 * values at or below it, always one of the measured values (no interpolation between two images).
 */
public final class Percentiles {

    /** p50, p95, p99 and the largest of {@code count} values, in their unit (ms here). */
    public record Summary(int count, double p50, double p95, double p99, double max) {
        public static final Summary EMPTY = new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    private Percentiles() {
    }

    /** The nearest-rank p-th percentile (0 < p <= 100) of the values; NaN when there are none. */
    public static double of(double[] values, double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    public static Summary summary(Collection<Double> values) {
        if (values.isEmpty()) {
            return Summary.EMPTY;
        }
        double[] array = values.stream().mapToDouble(Double::doubleValue).toArray();
        return new Summary(array.length, of(array, 50), of(array, 95), of(array, 99), Arrays.stream(array).max().orElseThrow());
    }
}
