package dev.coilsight.devstack;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.coilsight.core.scoring.ImageSet;
import dev.coilsight.core.scoring.KaggleScorer;
import dev.coilsight.core.scoring.ScoreReport;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.ImageClassified;

/**
 * The Kaggle mean Dice of what the pipeline streamed, against the dataset's labels: an image the
 * classifier passed as clean counts as "no mask of any class", as it would in the competition.
 */
final class DemoScore {

    private DemoScore() {
    }

    /** The dataset file name a replayed image came from ({@code <coil>-<sequence>-<file>}). */
    static String fileOf(String imageId, String coilId, long sequence) {
        String prefix = coilId + "-" + sequence + "-";
        return imageId.startsWith(prefix) ? imageId.substring(prefix.length()) : imageId;
    }

    static ScoreReport score(DemoDataset.Labels labels, List<ImageClassified> classified, Map<String, DefectSegmentation> segmented,
                             int classes) {
        Map<String, ImageSet.Size> sizes = new HashMap<>();
        List<RleRow> predictions = new ArrayList<>();
        for (ImageClassified c : classified) {
            String file = fileOf(c.getImageId(), c.getCoilId(), c.getSequence());
            sizes.put(file, new ImageSet.Size(c.getHeight(), c.getWidth()));
            DefectSegmentation s = segmented.get(c.getImageId());
            if (s != null) {
                for (DefectMask mask : s.getMasks()) {
                    predictions.add(new RleRow(file, mask.getClassId(), mask.getRle()));
                }
            }
        }
        Set<String> scored = sizes.keySet();
        List<RleRow> truth = labels.rows().stream().filter(r -> scored.contains(r.imageId())).toList();
        return new KaggleScorer(classes).score(ImageSet.of(sizes), truth, predictions, labels.source(), "streamed segmentations");
    }

    /** The score of what the line streamed and the predict-nothing baseline, or why there is none. */
    static void print(PrintWriter out, Optional<DemoDataset.Labels> labels, List<ImageClassified> classified,
                      Map<String, DefectSegmentation> segmented, ModelCard segmenter) {
        if (labels.isEmpty()) {
            out.println("\nNo labels in the dataset (train.csv or masks/): no score.");
            return;
        }
        int classes = segmenter.classes().stream().mapToInt(ModelCard.ClassSpec::id).max().orElse(1);
        ScoreReport score = score(labels.get(), classified, segmented, classes);
        ScoreReport nothing = score(labels.get(), classified, Map.of(), classes);
        out.printf(Locale.ROOT, "%nKaggle mean Dice against %s: %.4f over %d images x %d classes (predict-nothing baseline: %.4f)%n",
                labels.get().source(), score.meanDice(), score.images(), score.classes(), nothing.meanDice());
        score.perClassDice().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.printf(Locale.ROOT, "  class %d: Dice %.4f%n", e.getKey(), e.getValue()));
    }
}
