package dev.coilsight.trainer.export;

import java.util.Locale;

/**
 * How far a model with its batch norms folded answers from the same network with them apart, and whether that is
 * float32 rounding or a wrong fold. Folding changes the convolutions' weights, so their sums round differently: over a
 * MobileNetV2 U-Net's 52 convolutions that moves a probability by up to 1.2e-4 with AVX2 kernels (about 1e-5 with
 * AVX-512's), 3e-6 on average. One batch-norm channel whose moving variance is 2 % off moves some by 3e-3 or more and the average by
 * 7e-5 or more (measured on seeded trained-looking weights), so both bounds hold with room on either side.
 *
 * @param largestDifference the largest absolute difference of one probability
 * @param meanDifference    the mean absolute difference over every probability compared
 * @param lowest            the original's lowest probability
 * @param highest           the original's highest probability
 * @param values            how many probabilities were compared
 */
public record FoldAgreement(double largestDifference, double meanDifference, double lowest, double highest, long values) {

    public static final double LARGEST = 5e-4;
    public static final double MEAN = 1e-5;

    /** The agreement of one output of the original ({@code original}) and the folded model ({@code folded}). */
    public static FoldAgreement of(float[] original, float[] folded) {
        if (original.length != folded.length || original.length == 0) {
            throw new IllegalArgumentException("the models gave " + original.length + " and " + folded.length + " values to compare");
        }
        double largest = 0;
        double sum = 0;
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < original.length; i++) {
            double difference = Math.abs((double) original[i] - folded[i]);
            largest = Math.max(largest, difference);
            sum += difference;
            low = Math.min(low, original[i]);
            high = Math.max(high, original[i]);
        }
        return new FoldAgreement(largest, sum / original.length, low, high, original.length);
    }

    /** Both agreements as one, as if their outputs had been compared together. */
    public FoldAgreement and(FoldAgreement other) {
        long total = values + other.values;
        return new FoldAgreement(Math.max(largestDifference, other.largestDifference),
                (meanDifference * values + other.meanDifference * other.values) / total,
                Math.min(lowest, other.lowest), Math.max(highest, other.highest), total);
    }

    /** True when the differences are those of float rounding, false when the folded model computes something else. */
    public boolean isRounding() {
        return largestDifference <= LARGEST && meanDifference <= MEAN;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "probabilities (%.3g to %.3g) differ by at most %.2g, %.2g on average over %d values",
                lowest, highest, largestDifference, meanDifference, values);
    }
}
