package dev.coilsight.core.scoring;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.core.rle.RleFormatException;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.Runs;

/**
 * The Severstal competition metric: mean Dice over all (image, class) pairs of an image set, a pair
 * with neither truth nor prediction scoring 1. Images without rows are defect-free. Works on runs,
 * so no mask is expanded.
 */
public final class KaggleScorer {

    private static final Logger LOG = LoggerFactory.getLogger(KaggleScorer.class);

    private final int classes;

    public KaggleScorer(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        this.classes = classes;
    }

    /**
     * Scores predictions against truth over every (image, class 1..classes) pair of the image set.
     * Rows for images outside the set are counted (see {@link ScoreReport#unknownImages()}), not scored.
     *
     * @param truthName      names the truth in error messages (e.g. its file)
     * @param predictionName names the predictions in error messages
     * @throws IllegalArgumentException for an invalid RLE (naming source, line, image and pair), a class
     *     outside 1..classes, or two rows for one (image, class)
     */
    public ScoreReport score(ImageSet images, List<RleRow> truth, List<RleRow> predictions, String truthName,
                             String predictionName) {
        Set<String> unknownTruth = new TreeSet<>();
        Map<String, Runs> truthRuns = index(truth, images, truthName, unknownTruth);
        return score(images, truthRuns, unknownTruth, truthName, predictions, predictionName);
    }

    /**
     * Scores predictions against ground truth read as {@code evaluate} reads a data set's labels ({@link GroundTruth}):
     * several truth rows of one (image, class) are one mask, their union. The predictions are held to the submission
     * rules as in {@link #score(ImageSet, List, List, String, String)}: two rows for one (image, class) are refused.
     *
     * @throws IllegalArgumentException for an invalid RLE in either (naming source, line, image and pair), a class
     *     outside 1..classes (drop those truth rows first with {@link GroundTruth#limitedTo}), or two prediction rows
     *     for one (image, class)
     */
    public ScoreReport score(ImageSet images, GroundTruth truth, List<RleRow> predictions, String predictionName) {
        Set<String> unknownTruth = new TreeSet<>();
        Map<String, Runs> truthRuns = index(truth, images, unknownTruth);
        return score(images, truthRuns, unknownTruth, truth.source(), predictions, predictionName);
    }

    private ScoreReport score(ImageSet images, Map<String, Runs> truthRuns, Set<String> unknownTruth, String truthName,
                              List<RleRow> predictions, String predictionName) {
        Set<String> unknownPredicted = new TreeSet<>();
        Map<String, Runs> predictedRuns = index(predictions, images, predictionName, unknownPredicted);
        Set<String> unknown = new TreeSet<>(unknownTruth);
        unknown.addAll(unknownPredicted);
        if (!unknown.isEmpty()) {
            // The report carries this (unknownImages) for the caller to surface; the log is for tracing.
            LOG.info("{} image(s) named in the CSVs are not in the image set and were not scored ({} in {}, {} in {}), e.g. {}",
                    unknown.size(), unknownTruth.size(), truthName, unknownPredicted.size(), predictionName,
                    unknown.iterator().next());
        }

        double[] diceSum = new double[classes + 1];
        // IoU pooled over every pixel of the set, as evaluate reports it (not averaged per image).
        long[] intersection = new long[classes + 1];
        long[] union = new long[classes + 1];
        long truthPositive = 0;
        long predictedPositive = 0;
        long bothPositive = 0;
        long falsePositive = 0;
        long falseNegative = 0;
        long bothEmpty = 0;
        for (String imageId : images.sizes().keySet()) {
            for (int classId = 1; classId <= classes; classId++) {
                String key = key(imageId, classId);
                Runs t = truthRuns.getOrDefault(key, Runs.empty());
                Runs p = predictedRuns.getOrDefault(key, Runs.empty());
                diceSum[classId] += Dice.dice(t, p);
                long overlap = t.intersectionSize(p);
                intersection[classId] += overlap;
                union[classId] += t.pixelCount() + p.pixelCount() - overlap;
                boolean hasTruth = !t.isEmpty();
                boolean hasPrediction = !p.isEmpty();
                truthPositive += hasTruth ? 1 : 0;
                predictedPositive += hasPrediction ? 1 : 0;
                bothPositive += hasTruth && hasPrediction ? 1 : 0;
                falsePositive += !hasTruth && hasPrediction ? 1 : 0;
                falseNegative += hasTruth && !hasPrediction ? 1 : 0;
                bothEmpty += !hasTruth && !hasPrediction ? 1 : 0;
            }
        }
        int imageCount = images.size();
        long pairs = (long) imageCount * classes;
        Map<Integer, Double> perClassDice = new TreeMap<>();
        Map<Integer, Double> perClassIoU = new TreeMap<>();
        double total = 0;
        for (int classId = 1; classId <= classes; classId++) {
            total += diceSum[classId];
            perClassDice.put(classId, imageCount == 0 ? Double.NaN : diceSum[classId] / imageCount);
            perClassIoU.put(classId, imageCount == 0 ? Double.NaN : union[classId] == 0 ? 1.0 : (double) intersection[classId] / union[classId]);
        }
        return new ScoreReport(pairs == 0 ? Double.NaN : total / pairs, pairs, imageCount, classes, perClassDice,
                perClassIoU, truthPositive, predictedPositive, bothPositive, falsePositive, falseNegative, bothEmpty,
                unknown.size(), unknownTruth.size(), unknownPredicted.size());
    }

    private Map<String, Runs> index(List<RleRow> rows, ImageSet images, String source, Set<String> unknown) {
        Map<String, Runs> runs = new HashMap<>();
        Map<String, Long> lines = new HashMap<>();
        for (RleRow row : rows) {
            ImageSet.Size size = images.sizes().get(row.imageId());
            if (size == null) {
                unknown.add(row.imageId());
                continue;
            }
            if (row.classId() > classes) {
                throw new IllegalArgumentException(source + ": line " + row.line() + ": class " + row.classId()
                        + " is outside 1.." + classes);
            }
            String key = key(row.imageId(), row.classId());
            Long previous = lines.putIfAbsent(key, row.line());
            if (previous != null) {
                throw new IllegalArgumentException(source + ": line " + row.line() + ": second mask for image "
                        + row.imageId() + " class " + row.classId() + " (first on line " + previous + ")");
            }
            try {
                runs.put(key, Runs.parse(row.rle(), size.height(), size.width()));
            } catch (RleFormatException e) {
                throw new IllegalArgumentException(source + ": line " + row.line() + " (image " + row.imageId() + ", class "
                        + row.classId() + ", " + size.height() + "x" + size.width() + "): " + e.getMessage(), e);
            }
        }
        return runs;
    }

    /** The truth's masks of the images in the set, each the union of its rows ({@link GroundTruth#runs}). */
    private Map<String, Runs> index(GroundTruth truth, ImageSet images, Set<String> unknown) {
        Map<String, Runs> runs = new HashMap<>();
        for (String imageId : truth.imageIds()) {
            ImageSet.Size size = images.sizes().get(imageId);
            if (size == null) {
                unknown.add(imageId);
                continue;
            }
            for (Map.Entry<Integer, List<RleRow>> rows : truth.byClass(imageId).entrySet()) {
                int classId = rows.getKey();
                if (classId < 1 || classId > classes) {
                    throw new IllegalArgumentException(truth.source() + ": line " + rows.getValue().get(0).line() + ": class "
                            + classId + " is outside 1.." + classes);
                }
                try {
                    runs.put(key(imageId, classId), truth.runs(imageId, classId, size.height(), size.width()));
                } catch (GroundTruth.InvalidMask e) {
                    throw new IllegalArgumentException(truth.source() + ": line " + e.row().line() + " (image " + imageId
                            + ", class " + classId + ", " + size.height() + "x" + size.width() + "): " + e.getMessage(), e);
                }
            }
        }
        return runs;
    }

    private static String key(String imageId, int classId) {
        return imageId + '\u0000' + classId;
    }
}
