package dev.coilsight.core.scoring;

import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Kaggle Severstal score of a set of predicted masks: mean Dice over every (image, class) pair
 * with empty/empty = 1, per-class Dice (over the class's pairs) and IoU (over every pixel of the set, 1 for a class
 * absent from both, as {@code evaluate} reports it), and the pair counts behind them.
 *
 * <p>{@code unknownImages} counts distinct image ids named in either CSV but absent from the image
 * set (their rows are not scored); the two fields after it split that count by CSV.
 */
public record ScoreReport(
        double meanDice,
        long pairs,
        int images,
        int classes,
        Map<Integer, Double> perClassDice,
        Map<Integer, Double> perClassIoU,
        long truthPositivePairs,
        long predictedPositivePairs,
        long bothPositivePairs,
        long falsePositivePairs,
        long falseNegativePairs,
        long bothEmptyPairs,
        int unknownImages,
        int unknownTruthImages,
        int unknownPredictionImages) {

    /** One JSON object; per-class maps are keyed by class id as a string. */
    public String toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("meanDice", meanDice);
        root.put("pairs", pairs);
        root.put("images", images);
        root.put("classes", classes);
        ObjectNode dice = root.putObject("perClassDice");
        perClassDice.forEach((k, v) -> dice.put(String.valueOf(k), v));
        ObjectNode iou = root.putObject("perClassIoU");
        perClassIoU.forEach((k, v) -> iou.put(String.valueOf(k), v));
        root.put("truthPositivePairs", truthPositivePairs);
        root.put("predictedPositivePairs", predictedPositivePairs);
        root.put("bothPositivePairs", bothPositivePairs);
        root.put("falsePositivePairs", falsePositivePairs);
        root.put("falseNegativePairs", falseNegativePairs);
        root.put("bothEmptyPairs", bothEmptyPairs);
        root.put("unknownImages", unknownImages);
        root.put("unknownTruthImages", unknownTruthImages);
        root.put("unknownPredictionImages", unknownPredictionImages);
        return root.toString();
    }

    /** A table for people. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "mean Dice %.5f over %d (image, class) pairs (%d images x %d classes; empty/empty = 1)%n",
                meanDice, pairs, images, classes));
        out.append(String.format(Locale.ROOT, "%-6s %8s %8s%n", "class", "Dice", "IoU"));
        perClassDice.forEach((k, v) -> out.append(String.format(Locale.ROOT, "%-6d %8.5f %8.5f%n", k, v, perClassIoU.get(k))));
        out.append(String.format(Locale.ROOT, "pairs: %d with truth, %d predicted, %d both, %d false positive, %d false negative, %d both empty%n",
                truthPositivePairs, predictedPositivePairs, bothPositivePairs, falsePositivePairs, falseNegativePairs,
                bothEmptyPairs));
        if (unknownImages > 0) {
            out.append(String.format(Locale.ROOT, "warning: %d image(s) named in the CSVs are outside the image set and were not scored:"
                    + " %d in truth, %d in predictions%n", unknownImages, unknownTruthImages, unknownPredictionImages));
        }
        return out.toString();
    }
}
