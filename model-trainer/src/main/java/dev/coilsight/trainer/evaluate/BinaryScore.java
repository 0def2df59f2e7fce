package dev.coilsight.trainer.evaluate;

import java.util.LinkedHashMap;
import java.util.Map;

/** Confusion counts of a yes/no decision and the figures derived from them. */
public final class BinaryScore {

    private long truePositives;
    private long falsePositives;
    private long trueNegatives;
    private long falseNegatives;

    public void add(boolean predicted, boolean actual) {
        if (predicted && actual) {
            truePositives++;
        } else if (predicted) {
            falsePositives++;
        } else if (actual) {
            falseNegatives++;
        } else {
            trueNegatives++;
        }
    }

    public long total() {
        return truePositives + falsePositives + trueNegatives + falseNegatives;
    }

    public double accuracy() {
        return total() == 0 ? 0 : (double) (truePositives + trueNegatives) / total();
    }

    /** Precision of "defective"; 0 when nothing was predicted defective. */
    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    public double f1() {
        return f1(precision(), recall());
    }

    /** The same figures for the "defect-free" class. */
    public double negativePrecision() {
        return ratio(trueNegatives, trueNegatives + falseNegatives);
    }

    public double negativeRecall() {
        return ratio(trueNegatives, trueNegatives + falsePositives);
    }

    public double negativeF1() {
        return f1(negativePrecision(), negativeRecall());
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }

    /** The harmonic mean of precision and recall; 0 when both are. */
    private static double f1(double precision, double recall) {
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    /** accuracy, per-class precision/recall/F1/support and the confusion matrix. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", accuracy());
        m.put("precision", precision());
        m.put("recall", recall());
        m.put("f1", f1());
        Map<String, Object> classes = new LinkedHashMap<>();
        classes.put("defective", Map.of("precision", precision(), "recall", recall(), "f1", f1(),
                "support", truePositives + falseNegatives));
        classes.put("defect-free", Map.of("precision", negativePrecision(), "recall", negativeRecall(), "f1", negativeF1(),
                "support", trueNegatives + falsePositives));
        m.put("perClass", classes);
        m.put("confusionMatrix", Map.of("truePositives", truePositives, "falsePositives", falsePositives,
                "trueNegatives", trueNegatives, "falseNegatives", falseNegatives));
        return m;
    }
}
