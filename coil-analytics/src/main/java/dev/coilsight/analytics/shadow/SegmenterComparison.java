package dev.coilsight.analytics.shadow;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.Runs;
import dev.coilsight.core.scoring.Dice;
import dev.coilsight.core.scoring.ImageSet;
import dev.coilsight.core.scoring.KaggleScorer;
import dev.coilsight.core.scoring.ScoreReport;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.ModelRef;
import dev.coilsight.schemas.ReviewMask;

/**
 * The segmenters side by side, on the images both have answered: the Kaggle mean Dice between them (the live masks as
 * the reference), per class how often each finds the class, the images where they differ most, and each one's Dice
 * against the reviewed masks.
 */
final class SegmenterComparison {

    private SegmenterComparison() {
    }

    /**
     * @param liveModel, shadowModel the models in use: images another version answered are counted apart, not scored
     * @param classes                the classes every image is scored over (the highest class id seen)
     */
    static Map<String, Object> report(Collection<ShadowImage> images, ModelRef liveModel, ModelRef shadowModel, int classes,
                                      int disagreementLimit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("live", ShadowComparison.name(liveModel));
        out.put("shadow", ShadowComparison.name(shadowModel));
        List<ShadowImage> answered = images.stream().filter(e -> e.live != null && e.shadow != null
                && e.live.getWidth() == e.shadow.getWidth() && e.live.getHeight() == e.shadow.getHeight()).toList();
        List<ShadowImage> both = answered.stream().filter(e -> e.live.getModel().equals(liveModel) && e.shadow.getModel().equals(shadowModel))
                .toList();
        out.put("imagesCompared", both.size());
        out.put("otherVersions", answered.size() - both.size());
        if (both.isEmpty()) {
            return out;
        }
        Map<String, ImageSet.Size> sizes = new LinkedHashMap<>();
        List<RleRow> liveRows = new ArrayList<>();
        List<RleRow> shadowRows = new ArrayList<>();
        for (ShadowImage e : both) {
            sizes.put(e.key(), new ImageSet.Size(e.live.getHeight(), e.live.getWidth()));
            liveRows.addAll(rows(e.key(), e.live));
            shadowRows.addAll(rows(e.key(), e.shadow));
        }
        ScoreReport agreement = new KaggleScorer(classes).score(ImageSet.of(sizes), liveRows, shadowRows, "live", "shadow");
        out.put("meanDice", agreement.meanDice());
        out.put("perClass", perClass(both, agreement));
        out.put("againstReviews", againstReviews(both, classes));
        out.put("disagreements", disagreements(both, disagreementLimit));
        return out;
    }

    /** Per class: how many images each model finds it on, how often they agree on its presence, and its Dice. */
    private static List<Map<String, Object>> perClass(List<ShadowImage> both, ScoreReport agreement) {
        Map<Integer, String> names = new TreeMap<>();
        both.forEach(e -> {
            e.live.getMasks().forEach(m -> names.put(m.getClassId(), m.getClassName()));
            e.shadow.getMasks().forEach(m -> names.putIfAbsent(m.getClassId(), m.getClassName()));
        });
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (var name : names.entrySet()) {
            int c = name.getKey();
            long live = both.stream().filter(e -> has(e.live, c)).count();
            long shadow = both.stream().filter(e -> has(e.shadow, c)).count();
            long agree = both.stream().filter(e -> has(e.live, c) == has(e.shadow, c)).count();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("classId", c);
            m.put("className", name.getValue());
            m.put("liveImages", live);
            m.put("shadowImages", shadow);
            m.put("presenceAgreement", (double) agree / both.size());
            m.put("dice", agreement.perClassDice().getOrDefault(c, Double.NaN));
            perClass.add(m);
        }
        return perClass;
    }

    /** The images where the segmenters differ most, at most {@code limit}. */
    private static List<Map<String, Object>> disagreements(List<ShadowImage> both, int limit) {
        List<Map<String, Object>> worst = new ArrayList<>();
        both.stream().map(e -> Map.entry(e, imageDice(e))).filter(x -> x.getValue().isPresent())
                .sorted(Comparator.comparingDouble(x -> x.getValue().get())).limit(limit).forEach(x -> {
                    ShadowImage e = x.getKey();
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("coilId", e.coilId);
                    m.put("imageId", e.imageId);
                    m.put("dice", x.getValue().get());
                    m.put("liveClasses", e.live.getMasks().stream().map(DefectMask::getClassId).toList());
                    m.put("shadowClasses", e.shadow.getMasks().stream().map(DefectMask::getClassId).toList());
                    m.put("reviewed", e.review != null);
                    worst.add(m);
                });
        return worst;
    }

    /** Both models scored against what people decided, on the reviewed images both have answered. */
    private static Map<String, Object> againstReviews(List<ShadowImage> both, int classes) {
        List<ShadowImage> reviewed = both.stream().filter(e -> e.review != null
                && e.review.getWidth() == e.live.getWidth() && e.review.getHeight() == e.live.getHeight()).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("images", reviewed.size());
        if (reviewed.isEmpty()) {
            return out;
        }
        int maxClass = Math.max(classes, reviewed.stream().flatMap(e -> e.review.getReviewedMasks().stream()).mapToInt(ReviewMask::getClassId).max().orElse(1));
        Map<String, ImageSet.Size> sizes = new LinkedHashMap<>();
        List<RleRow> truth = new ArrayList<>();
        List<RleRow> live = new ArrayList<>();
        List<RleRow> shadow = new ArrayList<>();
        for (ShadowImage e : reviewed) {
            sizes.put(e.key(), new ImageSet.Size(e.review.getHeight(), e.review.getWidth()));
            e.review.getReviewedMasks().forEach(m -> truth.add(new RleRow(e.key(), m.getClassId(), m.getRle())));
            live.addAll(rows(e.key(), e.live));
            shadow.addAll(rows(e.key(), e.shadow));
        }
        KaggleScorer scorer = new KaggleScorer(maxClass);
        out.put("liveDice", scorer.score(ImageSet.of(sizes), truth, live, "reviews", "live").meanDice());
        out.put("shadowDice", scorer.score(ImageSet.of(sizes), truth, shadow, "reviews", "shadow").meanDice());
        out.put("nothingDice", scorer.score(ImageSet.of(sizes), truth, List.of(), "reviews", "nothing").meanDice());
        return out;
    }

    /** Mean Dice over the classes either model found on the image; empty when neither found any. */
    private static Optional<Double> imageDice(ShadowImage e) {
        Set<Integer> classes = new TreeSet<>();
        e.live.getMasks().forEach(m -> classes.add(m.getClassId()));
        e.shadow.getMasks().forEach(m -> classes.add(m.getClassId()));
        if (classes.isEmpty()) {
            return Optional.empty();
        }
        double sum = 0;
        for (int c : classes) {
            sum += Dice.dice(runs(e.live, c), runs(e.shadow, c));
        }
        return Optional.of(sum / classes.size());
    }

    private static Runs runs(DefectSegmentation s, int classId) {
        return s.getMasks().stream().filter(m -> m.getClassId() == classId).findFirst()
                .map(m -> Runs.parse(m.getRle(), s.getHeight(), s.getWidth())).orElse(Runs.empty());
    }

    private static boolean has(DefectSegmentation s, int classId) {
        return s.getMasks().stream().anyMatch(m -> m.getClassId() == classId && m.getPixelCount() > 0);
    }

    private static List<RleRow> rows(String key, DefectSegmentation s) {
        return s.getMasks().stream().map(m -> new RleRow(key, m.getClassId(), m.getRle())).toList();
    }
}
