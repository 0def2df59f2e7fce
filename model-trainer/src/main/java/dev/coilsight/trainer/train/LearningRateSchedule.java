package dev.coilsight.trainer.train;

import java.util.Locale;

/**
 * How the learning rate moves over a run: constant, or a cosine decay from the base rate to a hundredth of it
 * by the end of the run. The rate depends only on how far the run has come, so a run resumed with the same
 * options continues the same curve.
 */
public enum LearningRateSchedule {
    CONSTANT,
    COSINE;

    /** The floor of the cosine decay, as a fraction of the base rate. */
    static final double COSINE_FLOOR = 0.01;

    public static LearningRateSchedule parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--lr-schedule must be constant or cosine, got '" + text + "'");
        }
    }

    /**
     * @param progress the fraction of all training steps done before this one, 0 to 1
     */
    public float rate(float base, double progress) {
        if (this == CONSTANT) {
            return base;
        }
        double clamped = Math.min(1, Math.max(0, progress));
        double floor = base * COSINE_FLOOR;
        return (float) (floor + (base - floor) * 0.5 * (1 + Math.cos(Math.PI * clamped)));
    }

    /** Progress of batch {@code batch} (0-based) of epoch {@code epoch} (1-based). */
    public static double progress(int epoch, int batch, int batchesPerEpoch, int epochs) {
        return ((epoch - 1) + (double) batch / batchesPerEpoch) / epochs;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
