package dev.coilsight.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Train/validation splits of image ids: by a seeded fraction or as fold {@code i} of {@code k}. */
public final class Splits {

    /** The two sides of a split, each in the dataset's stable order. */
    public record Split(List<String> train, List<String> validation) {
    }

    private Splits() {
    }

    public static Split byFraction(List<String> ids, double validationFraction, long seed) {
        if (validationFraction <= 0 || validationFraction >= 1) {
            throw new IllegalArgumentException("the validation fraction must be between 0 and 1, got " + validationFraction);
        }
        List<String> shuffled = shuffled(ids, seed);
        int validation = Math.max(1, (int) Math.round(ids.size() * validationFraction));
        return ordered(ids, shuffled.subList(validation, shuffled.size()), shuffled.subList(0, validation));
    }

    /** Fold {@code fold} (0-based) of {@code folds}: every id is in exactly one validation fold. */
    public static Split kFold(List<String> ids, int folds, int fold, long seed) {
        if (folds < 2 || fold < 0 || fold >= folds) {
            throw new IllegalArgumentException("need 2 or more folds and 0 <= fold < folds, got fold " + fold + " of " + folds);
        }
        if (ids.size() < folds) {
            throw new IllegalArgumentException(ids.size() + " images cannot make " + folds + " folds");
        }
        List<String> shuffled = shuffled(ids, seed);
        List<String> train = new ArrayList<>();
        List<String> validation = new ArrayList<>();
        for (int i = 0; i < shuffled.size(); i++) {
            (i % folds == fold ? validation : train).add(shuffled.get(i));
        }
        return ordered(ids, train, validation);
    }

    private static List<String> shuffled(List<String> ids, long seed) {
        List<String> copy = new ArrayList<>(ids);
        Collections.shuffle(copy, new Random(seed));
        return copy;
    }

    private static Split ordered(List<String> ids, List<String> train, List<String> validation) {
        java.util.Set<String> v = new java.util.HashSet<>(validation);
        return new Split(ids.stream().filter(id -> !v.contains(id)).toList(), ids.stream().filter(v::contains).toList());
    }
}
