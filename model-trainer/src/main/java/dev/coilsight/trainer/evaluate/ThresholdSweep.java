package dev.coilsight.trainer.evaluate;

import java.util.ArrayList;
import java.util.List;

import dev.coilsight.core.mask.ConnectedComponents;
import dev.coilsight.core.rle.BinaryMask;

/**
 * Chooses, per class, the pixel threshold and minimum component area that maximise either the
 * class's Kaggle Dice over (image, class) pairs ({@link Objective#DICE}) or its IoU over all pixels
 * of the split ({@link Objective#IOU}). Each pixel is kept as the number of candidate thresholds its
 * probability exceeds, one byte, so that a whole split fits in memory and every candidate keeps exactly the pixels
 * that the workers' post-processing ({@code probability > threshold}, in float) keeps.
 */
public final class ThresholdSweep {

    public static final double[] THRESHOLDS = {0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8};
    /** The last value removes every component: the sweep may find that reporting nothing for a class is best. */
    public static final int[] MIN_AREAS = {0, 25, 50, 100, 200, 400, 800, 1600, 3200, 6400, 12800, Integer.MAX_VALUE};

    /** What the sweep maximises. */
    public enum Objective { DICE, IOU }

    /** The winner for one class and its objective value (and the value at the defaults 0.5 / 0, for comparison). */
    public record Choice(double threshold, int minArea, double value, double valueAtDefaults) {
    }

    /** @param level per pixel, how many of {@link #THRESHOLDS} (ascending) its probability exceeds */
    private record ImageClass(int height, int width, byte[] level, boolean[] truth) {
    }

    private final int classes;
    private final List<List<ImageClass>> perClass = new ArrayList<>();

    public ThresholdSweep(int classes) {
        this.classes = classes;
        for (int k = 0; k < classes; k++) {
            perClass.add(new ArrayList<>());
        }
    }

    /** A sweep over the images of several sweeps (e.g. every other fold's held-out predictions). */
    public static ThresholdSweep combined(int classes, List<ThresholdSweep> parts) {
        ThresholdSweep all = new ThresholdSweep(classes);
        for (ThresholdSweep part : parts) {
            if (part.classes != classes) {
                throw new IllegalArgumentException("sweeps over " + part.classes + " and " + classes + " classes cannot be combined");
            }
            for (int k = 0; k < classes; k++) {
                all.perClass.get(k).addAll(part.perClass.get(k));
            }
        }
        return all;
    }

    /** Images added so far. */
    public int images() {
        return perClass.isEmpty() ? 0 : perClass.get(0).size();
    }

    /** Adds one image: probabilities HWC cropped to the image, truth per class (row-major). */
    public void add(int height, int width, float[] probabilities, boolean[][] truth) {
        for (int k = 0; k < classes; k++) {
            byte[] level = new byte[height * width];
            for (int p = 0; p < level.length; p++) {
                float probability = probabilities[p * classes + k];
                int exceeded = 0;
                while (exceeded < THRESHOLDS.length && probability > (float) THRESHOLDS[exceeded]) {
                    exceeded++;
                }
                level[p] = (byte) exceeded;
            }
            perClass.get(k).add(new ImageClass(height, width, level, truth[k]));
        }
    }

    public List<Choice> choose(Objective objective) {
        List<Choice> choices = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            double[][] diceSums = new double[THRESHOLDS.length][MIN_AREAS.length];
            long[][][] pixelSums = new long[THRESHOLDS.length][MIN_AREAS.length][3];
            for (ImageClass ic : perClass.get(k)) {
                for (int t = 0; t < THRESHOLDS.length; t++) {
                    accumulate(ic, t, diceSums[t], pixelSums[t]);
                }
            }
            int n = Math.max(1, perClass.get(k).size());
            double[][] dice = new double[THRESHOLDS.length][MIN_AREAS.length];
            for (int t = 0; t < THRESHOLDS.length; t++) {
                for (int a = 0; a < MIN_AREAS.length; a++) {
                    long[] s = pixelSums[t][a];
                    long union = s[0] + s[2] - s[1];
                    dice[t][a] = objective == Objective.DICE ? diceSums[t][a] / n : union == 0 ? 1.0 : (double) s[1] / union;
                }
            }
            // On a tie the more conservative setting wins (larger minimum area, then higher threshold): with no
            // evidence either way, e.g. a class absent from the tuning images, report less rather than more.
            int bestT = 0;
            int bestA = 0;
            for (int t = 0; t < THRESHOLDS.length; t++) {
                for (int a = 0; a < MIN_AREAS.length; a++) {
                    boolean better = dice[t][a] > dice[bestT][bestA] + 1e-12;
                    boolean tieButStricter = Math.abs(dice[t][a] - dice[bestT][bestA]) <= 1e-12 && (a > bestA || (a == bestA && t > bestT));
                    if (better || tieButStricter) {
                        bestT = t;
                        bestA = a;
                    }
                }
            }
            int defaultT = java.util.Arrays.binarySearch(THRESHOLDS, 0.5);
            choices.add(new Choice(THRESHOLDS[bestT], MIN_AREAS[bestA], dice[bestT][bestA], dice[defaultT][0]));
        }
        return choices;
    }

    /** Adds this pair's Dice and its predicted / intersecting / true pixels for every minimum area at {@code THRESHOLDS[t]}. */
    private static void accumulate(ImageClass ic, int t, double[] diceByArea, long[][] pixelsByArea) {
        BinaryMask mask = new BinaryMask(ic.height(), ic.width());
        long truePixels = 0;
        for (int r = 0; r < ic.height(); r++) {
            for (int c = 0; c < ic.width(); c++) {
                int p = r * ic.width() + c;
                if (ic.level()[p] > t) {
                    mask.set(r, c, true);
                }
                if (ic.truth()[p]) {
                    truePixels++;
                }
            }
        }
        ConnectedComponents.Labelled labelled = ConnectedComponents.label(mask);
        int n = labelled.components().size();
        long[] hits = new long[n + 1];
        int[] labels = labelled.labels();
        for (int c = 0; c < ic.width(); c++) {
            for (int r = 0; r < ic.height(); r++) {
                int label = labels[c * ic.height() + r];
                if (label != 0 && ic.truth()[r * ic.width() + c]) {
                    hits[label]++;
                }
            }
        }
        for (int a = 0; a < MIN_AREAS.length; a++) {
            long predicted = 0;
            long intersection = 0;
            for (int i = 0; i < n; i++) {
                long size = labelled.components().get(i).pixels();
                if (size >= MIN_AREAS[a]) {
                    predicted += size;
                    intersection += hits[i + 1];
                }
            }
            diceByArea[a] += predicted + truePixels == 0 ? 1.0 : 2.0 * intersection / (predicted + truePixels);
            pixelsByArea[a][0] += predicted;
            pixelsByArea[a][1] += intersection;
            pixelsByArea[a][2] += truePixels;
        }
    }
}
