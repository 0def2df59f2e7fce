package dev.coilsight.devstack;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.coilsight.metrics.ImageSet;
import dev.coilsight.metrics.KaggleScorer;
import dev.coilsight.metrics.ScoreReport;
import dev.coilsight.rle.RleRow;
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
}
