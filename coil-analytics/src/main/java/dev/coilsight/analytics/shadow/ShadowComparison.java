package dev.coilsight.analytics.shadow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.coilsight.core.scoring.Dice;
import dev.coilsight.core.scoring.ImageSet;
import dev.coilsight.core.scoring.KaggleScorer;
import dev.coilsight.core.scoring.ScoreReport;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.Runs;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.ModelRef;
import dev.coilsight.schemas.ReviewMask;

/**
 * A candidate model in shadow beside the live one, on the latest {@code capacity} images: for the segmenters the Kaggle
 * mean Dice between them (the live masks as the reference), per class how often each finds the class, and the images
 * where they differ most; for the classifiers how often their decisions agree; and, on the images people reviewed,
 * each model's Dice (or accuracy) against the reviewed masks. Fed from the topics by {@link ShadowFeed}.
 */
public final class ShadowComparison {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShadowComparison.class);

    /** What is known of one image. */
    private static final class Entry {
        final String coilId;
        final String imageId;
        DefectSegmentation live;
        DefectSegmentation shadow;
        ImageClassified liveDecision;
        ImageClassified shadowDecision;
        DefectReviewed review;

        Entry(String coilId, String imageId) {
            this.coilId = coilId;
            this.imageId = imageId;
        }

        String key() {
            return coilId + "/" + imageId;
        }
    }

    private final int capacity;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    private ModelRef liveSegmenter;
    private ModelRef shadowSegmenter;
    private ModelRef liveClassifier;
    private ModelRef shadowClassifier;

    private long changes;
    private long reportedChanges;
    private int reportedLimit;
    private Map<String, Object> lastReport;

    public ShadowComparison(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void live(DefectSegmentation s) {
        if (readable(s)) {
            entry(s.getCoilId(), s.getImageId()).live = s;
            liveSegmenter = s.getModel();
        }
    }

    public synchronized void shadow(DefectSegmentation s) {
        if (readable(s)) {
            entry(s.getCoilId(), s.getImageId()).shadow = s;
            shadowSegmenter = s.getModel();
        }
    }

    /** A segmentation whose masks fit its image, one per class; any other is left out with a log line, not scored. */
    private static boolean readable(DefectSegmentation s) {
        java.util.Set<Integer> classes = new java.util.HashSet<>();
        try {
            for (DefectMask m : s.getMasks()) {
                Runs.parse(m.getRle(), s.getHeight(), s.getWidth());
                if (m.getClassId() < 1 || !classes.add(m.getClassId())) {
                    throw new IllegalArgumentException("class " + m.getClassId() + " twice or below 1");
                }
            }
            return true;
        } catch (IllegalArgumentException e) {
            LOG.warn("shadow comparison leaves out the segmentation of image {} by {}: {}", s.getImageId(), s.getModel().getName(), e.getMessage());
            return false;
        }
    }

    public synchronized void liveDecision(ImageClassified c) {
        entry(c.getCoilId(), c.getImageId()).liveDecision = c;
        liveClassifier = c.getModel();
    }

    public synchronized void shadowDecision(ImageClassified c) {
        entry(c.getCoilId(), c.getImageId()).shadowDecision = c;
        shadowClassifier = c.getModel();
    }

    /** The last review of an image counts; it is kept without its image. */
    public synchronized void review(DefectReviewed r) {
        r = DefectReviewed.newBuilder(r).setImageBytes(null).build();
        Entry e = entry(r.getCoilId(), r.getImageId());
        if (e.review == null || !r.getReviewedAt().isBefore(e.review.getReviewedAt())) {
            e.review = r;
        }
    }

    private Entry entry(String coilId, String imageId) {
        changes++;
        String key = coilId + "/" + imageId;
        Entry e = entries.remove(key);
        if (e == null) {
            e = new Entry(coilId, imageId);
        }
        entries.put(key, e);
        while (entries.size() > capacity) {
            entries.remove(entries.keySet().iterator().next());
        }
        return e;
    }

    /**
     * The comparison now; {@code disagreements} bounds the list of images where the segmenters differ most. Scoring every
     * kept image is not cheap and the dashboard asks every 2 s: the report is made again only when something changed.
     */
    public synchronized Map<String, Object> report(int disagreements) {
        if (lastReport == null || reportedChanges != changes || reportedLimit != disagreements) {
            lastReport = java.util.Collections.unmodifiableMap(compute(disagreements));
            reportedChanges = changes;
            reportedLimit = disagreements;
        }
        return lastReport;
    }

    private Map<String, Object> compute(int disagreements) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("imagesKept", entries.size());
        out.put("segmenter", segmenters(disagreements));
        out.put("classifier", classifiers());
        return out;
    }

    private Map<String, Object> segmenters(int disagreementLimit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("live", name(liveSegmenter));
        out.put("shadow", name(shadowSegmenter));
        List<Entry> both = entries.values().stream().filter(e -> e.live != null && e.shadow != null
                && e.live.getWidth() == e.shadow.getWidth() && e.live.getHeight() == e.shadow.getHeight()).toList();
        out.put("imagesCompared", both.size());
        if (both.isEmpty()) {
            return out;
        }
        int classes = Math.max(1, both.stream().flatMap(e -> java.util.stream.Stream.concat(e.live.getMasks().stream(), e.shadow.getMasks().stream()))
                .mapToInt(DefectMask::getClassId).max().orElse(1));
        Map<String, ImageSet.Size> sizes = new LinkedHashMap<>();
        List<RleRow> liveRows = new ArrayList<>();
        List<RleRow> shadowRows = new ArrayList<>();
        for (Entry e : both) {
            sizes.put(e.key(), new ImageSet.Size(e.live.getHeight(), e.live.getWidth()));
            liveRows.addAll(rows(e.key(), e.live));
            shadowRows.addAll(rows(e.key(), e.shadow));
        }
        ScoreReport agreement = new KaggleScorer(classes).score(ImageSet.of(sizes), liveRows, shadowRows, "live", "shadow");
        out.put("meanDice", agreement.meanDice());
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
        out.put("perClass", perClass);
        out.put("againstReviews", againstReviews(both, classes));
        List<Map<String, Object>> worst = new ArrayList<>();
        both.stream().map(e -> Map.entry(e, imageDice(e))).filter(x -> x.getValue().isPresent())
                .sorted(Comparator.comparingDouble(x -> x.getValue().get())).limit(disagreementLimit).forEach(x -> {
                    Entry e = x.getKey();
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("coilId", e.coilId);
                    m.put("imageId", e.imageId);
                    m.put("dice", x.getValue().get());
                    m.put("liveClasses", e.live.getMasks().stream().map(DefectMask::getClassId).toList());
                    m.put("shadowClasses", e.shadow.getMasks().stream().map(DefectMask::getClassId).toList());
                    m.put("reviewed", e.review != null);
                    worst.add(m);
                });
        out.put("disagreements", worst);
        return out;
    }

    /** Both models scored against what people decided, on the reviewed images both have answered. */
    private static Map<String, Object> againstReviews(List<Entry> both, int classes) {
        List<Entry> reviewed = both.stream().filter(e -> e.review != null
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
        for (Entry e : reviewed) {
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

    private Map<String, Object> classifiers() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("live", name(liveClassifier));
        out.put("shadow", name(shadowClassifier));
        List<Entry> both = entries.values().stream().filter(e -> e.liveDecision != null && e.shadowDecision != null).toList();
        out.put("imagesCompared", both.size());
        if (both.isEmpty()) {
            return out;
        }
        long agree = both.stream().filter(e -> e.liveDecision.getDefective() == e.shadowDecision.getDefective()).count();
        out.put("agreement", (double) agree / both.size());
        out.put("liveOnlyDefective", both.stream().filter(e -> e.liveDecision.getDefective() && !e.shadowDecision.getDefective()).count());
        out.put("shadowOnlyDefective", both.stream().filter(e -> !e.liveDecision.getDefective() && e.shadowDecision.getDefective()).count());
        List<Entry> reviewed = both.stream().filter(e -> e.review != null).toList();
        Map<String, Object> reviews = new LinkedHashMap<>();
        reviews.put("images", reviewed.size());
        if (!reviewed.isEmpty()) {
            reviews.put("liveAccuracy", (double) reviewed.stream().filter(e -> e.liveDecision.getDefective() == defective(e.review)).count() / reviewed.size());
            reviews.put("shadowAccuracy", (double) reviewed.stream().filter(e -> e.shadowDecision.getDefective() == defective(e.review)).count() / reviewed.size());
        }
        out.put("againstReviews", reviews);
        return out;
    }

    private static boolean defective(DefectReviewed review) {
        return !review.getReviewedMasks().isEmpty();
    }

    /** Mean Dice over the classes either model found on the image; empty when neither found any. */
    private static Optional<Double> imageDice(Entry e) {
        java.util.Set<Integer> classes = new java.util.TreeSet<>();
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

    private static String name(ModelRef model) {
        return model == null ? null : model.getName() + ":" + model.getVersion();
    }
}
