package dev.coilsight.core.scoring;

import dev.coilsight.core.rle.Runs;

/** Overlap scores of two masks given as runs; both empty counts as a perfect match (the Kaggle rule). */
public final class Dice {

    private Dice() {
    }

    /** 2|A∩B| / (|A| + |B|), and 1 when both are empty. */
    public static double dice(Runs a, Runs b) {
        long sizes = a.pixelCount() + b.pixelCount();
        return sizes == 0 ? 1.0 : 2.0 * a.intersectionSize(b) / sizes;
    }

    /** |A∩B| / |A∪B|, and 1 when both are empty. */
    public static double iou(Runs a, Runs b) {
        long intersection = a.intersectionSize(b);
        long union = a.pixelCount() + b.pixelCount() - intersection;
        return union == 0 ? 1.0 : (double) intersection / union;
    }
}
