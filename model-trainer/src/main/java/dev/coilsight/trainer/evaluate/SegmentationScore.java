package dev.coilsight.trainer.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates segmentation quality over a split: the Kaggle mean Dice over (image, class) pairs
 * (a pair where prediction and truth are both empty scores 1), per-class Dice on the same pairs,
 * and per-class IoU over all pixels of the split (the "standard" mIoU).
 */
public final class SegmentationScore {

    private final List<String> classNames;
    private final long[] intersection;
    private final long[] union;
    private final long[] predicted;
    private final long[] truth;
    private final double[] diceSum;
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
        images++;
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
