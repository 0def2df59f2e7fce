package dev.coilsight.bench;

import java.util.Collection;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The batch-size distribution of a worker, rebuilt from its results: every result carries the size of
 * the batch it was inferred in ({@code StageTimings.batchSize}), so k images reporting size s are k / s
 * batches of s. Counted from the results of the measured images only, not from the worker's
 * histogram, which also holds the warm-up batches.
 */
public final class BatchSizes {

    private final SortedMap<Integer, Integer> batches;

    private BatchSizes(SortedMap<Integer, Integer> batches) {
        this.batches = batches;
    }

    /** From each image's batch size; a size seen on fewer images than itself still counts as one (partial) batch. */
    public static BatchSizes fromImages(Collection<Integer> batchSizePerImage) {
        Map<Integer, Long> images = batchSizePerImage.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
        SortedMap<Integer, Integer> batches = new TreeMap<>();
        images.forEach((size, count) -> {
            if (size < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + size);
            }
            batches.put(size, (int) Math.max(1, Math.round(count / (double) size)));
        });
        return new BatchSizes(batches);
    }

    /** These batches and the other's together. */
    public BatchSizes plus(BatchSizes other) {
        SortedMap<Integer, Integer> sum = new TreeMap<>(batches);
        other.batches.forEach((size, count) -> sum.merge(size, count, Integer::sum));
        return new BatchSizes(sum);
    }

    /** Batches by size, smallest size first. */
    public SortedMap<Integer, Integer> batches() {
        return new TreeMap<>(batches);
    }

    public int batchCount() {
        return batches.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Mean images per batch; NaN with no batches. */
    public double mean() {
        int count = batchCount();
        if (count == 0) {
            return Double.NaN;
        }
        long images = batches.entrySet().stream().mapToLong(e -> (long) e.getKey() * e.getValue()).sum();
        return images / (double) count;
    }

    /** E.g. {@code "1x2 4x1 8x10"}: two batches of 1, one of 4, ten of 8; {@code "-"} when empty. */
    @Override
    public String toString() {
        if (batches.isEmpty()) {
            return "-";
        }
        return batches.entrySet().stream().map(e -> e.getKey() + "x" + e.getValue()).collect(Collectors.joining(" "));
    }
}
