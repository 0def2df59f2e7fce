package dev.coilsight.trainer.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.trainer.data.Splits;

/**
 * Which images validate a run: a list of ids ({@code --val-split}), one fold of k ({@code --folds}, {@code --fold}), or a
 * seeded fraction ({@code --val-fraction}, 0.2 when nothing else is given).
 */
record SplitPolicy(Path dataset, Path validationList, Integer folds, Double validationFraction, long seed) {

    private static final double DEFAULT_FRACTION = 0.2;

    /** One way to choose the validation images: with two, one would be ignored (and folds would all hold out the same list). */
    SplitPolicy {
        if (folds != null && (validationList != null || validationFraction != null)) {
            throw new IllegalArgumentException("--folds chooses the validation images itself: give it without "
                    + (validationList != null ? "--val-split" : "--val-fraction"));
        }
        if (validationList != null && validationFraction != null) {
            throw new IllegalArgumentException("--val-split names the validation images: give it without --val-fraction");
        }
    }

    Splits.Split split(LabeledDataset data, int fold) {
        List<String> all = data.imageIds();
        if (validationList != null) {
            List<String> validationIds = validationData(data).imageIds();
            Set<String> held = new HashSet<>(validationIds);
            return new Splits.Split(new ArrayList<>(all.stream().filter(id -> !held.contains(id)).toList()), validationIds);
        }
        if (folds != null) {
            return Splits.kFold(all, folds, fold, seed);
        }
        return Splits.byFraction(all, fraction(), seed);
    }

    /** The data set the validation ids are read from: the list's own split of the data set, or the training data. */
    LabeledDataset validationData(LabeledDataset data) {
        return validationList != null ? Datasets.open(dataset, Optional.of(validationList)) : data;
    }

    /** How the model card says its validation images were chosen. */
    String describe(int fold) {
        if (validationList != null) {
            return "split list " + validationList;
        }
        if (folds != null) {
            return "fold " + fold + " of " + folds + " (seed " + seed + ")";
        }
        return "held-out fraction " + fraction() + " (seed " + seed + ")";
    }

    private double fraction() {
        return validationFraction == null ? DEFAULT_FRACTION : validationFraction;
    }
}
