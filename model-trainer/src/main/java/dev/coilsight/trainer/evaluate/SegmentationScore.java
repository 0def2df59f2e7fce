package dev.coilsight.trainer.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates segmentation quality over a split: the Kaggle mean Dice over (image, class) pairs
 * (a pair where prediction and truth are both empty scores 1), per-class Dice on the same pairs,
 * and per-class IoU over all pixels of the split (the "standard" mIoU). Segmentation papers (NEU-Seg, PGA-Net) also
 * count background as a class: {@link #meanIouWithBackground()} does, with background = no class on; pixel accuracy
 * counts a pixel right when its predicted classes are exactly its true ones (for single-label data: the same label).
 */
public final class SegmentationScore {

    private final List<String> classNames;
    private final long[] intersection;
    private final long[] union;
    private final long[] predicted;
    private final long[] truth;
    private final double[] diceSum;
    private long backgroundIntersection;
    private long backgroundUnion;
    private long correctPixels;
    private long pixels;
    private long images;

    public SegmentationScore(List<String> classNames) {
        this.classNames = List.copyOf(classNames);
        int n = classNames.size();
        intersection = new long[n];
        union = new long[n];
        predicted = new long[n];
        truth = new long[n];
        diceSum = new double[n];
    }

    /** Adds one image: per class, the predicted and true masks as flat 0/1 arrays of equal length. */
    public void add(boolean[][] predictedMasks, boolean[][] trueMasks) {
        for (int k = 0; k < classNames.size(); k++) {
            long inter = 0;
            long p = 0;
            long t = 0;
            boolean[] pm = predictedMasks[k];
            boolean[] tm = trueMasks[k];
            for (int i = 0; i < pm.length; i++) {
                if (pm[i]) {
                    p++;
                    if (tm[i]) {
                        inter++;
                    }
                }
                if (tm[i]) {
                    t++;
                }
            }
            intersection[k] += inter;
            union[k] += p + t - inter;
            predicted[k] += p;
            truth[k] += t;
            diceSum[k] += p + t == 0 ? 1.0 : 2.0 * inter / (p + t);
        }
        addBackgroundAndAccuracy(predictedMasks, trueMasks);
        images++;
    }

    private void addBackgroundAndAccuracy(boolean[][] predictedMasks, boolean[][] trueMasks) {
        int length = predictedMasks.length == 0 ? 0 : predictedMasks[0].length;
        for (int i = 0; i < length; i++) {
            boolean anyPredicted = false;
            boolean anyTrue = false;
            boolean same = true;
            for (int k = 0; k < predictedMasks.length; k++) {
                boolean p = predictedMasks[k][i];
                boolean t = trueMasks[k][i];
                anyPredicted |= p;
                anyTrue |= t;
                same &= p == t;
            }
            if (!anyPredicted && !anyTrue) {
                backgroundIntersection++;
            }
            if (!anyPredicted || !anyTrue) {
                backgroundUnion++;
            }
            if (same) {
                correctPixels++;
            }
        }
        pixels += length;
    }

    public long images() {
        return images;
    }

    /** Kaggle mean Dice over all (image, class) pairs. */
    public double meanDice() {
        double sum = 0;
        for (double d : diceSum) {
            sum += d;
        }
        return images == 0 ? 0 : sum / (images * classNames.size());
    }

    public double classDice(int k) {
        return images == 0 ? 0 : diceSum[k] / images;
    }

    /** IoU of one class over every pixel of the split; 1 when the class is absent from both. */
    public double classIou(int k) {
        return union[k] == 0 ? 1.0 : (double) intersection[k] / union[k];
    }

    public double meanIou() {
        double sum = 0;
        for (int k = 0; k < classNames.size(); k++) {
            sum += classIou(k);
        }
        return sum / classNames.size();
    }

    /** IoU of background (no class on) over every pixel of the split; 1 when no pixel is background in either. */
    public double backgroundIou() {
        return backgroundUnion == 0 ? 1.0 : (double) backgroundIntersection / backgroundUnion;
    }

    /** The mean IoU over the defect classes and background, as segmentation papers report NEU-Seg. */
    public double meanIouWithBackground() {
        return (meanIou() * classNames.size() + backgroundIou()) / (classNames.size() + 1);
    }

    /** Fraction of pixels whose predicted classes are exactly their true ones. */
    public double pixelAccuracy() {
        return pixels == 0 ? 0 : (double) correctPixels / pixels;
    }

    /** Per class: dice, iou, predicted and true pixel totals. */
    public Map<String, Map<String, Object>> perClass() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (int k = 0; k < classNames.size(); k++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dice", classDice(k));
            m.put("iou", classIou(k));
            m.put("predictedPixels", predicted[k]);
            m.put("truePixels", truth[k]);
            out.put(classNames.get(k), m);
        }
        return out;
    }

    public List<String> classNames() {
        return new ArrayList<>(classNames);
    }
}
