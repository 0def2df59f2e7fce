package dev.coilsight.analytics.shadow;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.coilsight.core.rle.Runs;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.ModelRef;

/**
 * A candidate model in shadow beside the live one, on the latest {@code capacity} images: for the segmenters the Kaggle
 * mean Dice between them (the live masks as the reference), per class how often each finds the class, and the images
 * where they differ most; for the classifiers how often their decisions agree; and, on the images people reviewed,
 * each model's Dice (or accuracy) against the reviewed masks. Only results of the models in use now count (a shadow
 * swapped to a new version is scored on its own answers). Fed from the topics by
 * {@link dev.coilsight.analytics.recent.ResultsFeed}. This class keeps the latest images; {@link SegmenterComparison} and
 * {@link ClassifierComparison} score them.
 * <p>
 * The segmenters' images and the classifiers' are kept apart, and in each the images both models answered apart from
 * those only one has answered so far: every clean image has the live classifier's decision (and, with a shadow
 * classifier, its decision too), and at a line's pace they would push out, within minutes, the compared segmentations
 * that a review made later should find.
 */
public final class ShadowComparison {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShadowComparison.class);

    private final KeptImages segmentations;
    private final KeptImages decisions;
    private ModelRef liveSegmenter;
    private ModelRef shadowSegmenter;
    private ModelRef liveClassifier;
    private ModelRef shadowClassifier;
    /** The highest class id seen: the classes every image is scored over, as the Kaggle metric counts them. */
    private int highestClass = 1;
    private long unreadableLive;
    private long unreadableShadow;

    private long changes;
    private long reportedChanges;
    private int reportedLimit;
    private Map<String, Object> lastReport;

    public ShadowComparison(int capacity) {
        this.segmentations = new KeptImages(capacity, e -> e.live != null && e.shadow != null);
        this.decisions = new KeptImages(capacity, e -> e.liveDecision != null && e.shadowDecision != null);
    }

    /** One comparison's latest images: those both models answered, and apart from them those one has answered so far. */
    private static final class KeptImages {
        private final int capacity;
        private final java.util.function.Predicate<ShadowImage> bothAnswered;
        final LinkedHashMap<String, ShadowImage> compared = new LinkedHashMap<>();
        final LinkedHashMap<String, ShadowImage> waiting = new LinkedHashMap<>();

        KeptImages(int capacity, java.util.function.Predicate<ShadowImage> bothAnswered) {
            this.capacity = capacity;
            this.bothAnswered = bothAnswered;
        }

        /** Applies a result (or a review) to its image's entry, which moves to the compared images once both models have answered. */
        void update(String coilId, String imageId, java.util.function.Consumer<ShadowImage> change) {
            String key = ShadowImage.key(coilId, imageId);
            ShadowImage e = compared.remove(key);
            if (e == null) {
                e = waiting.remove(key);
            }
            if (e == null) {
                e = new ShadowImage(coilId, imageId);
            }
            change.accept(e);
            LinkedHashMap<String, ShadowImage> kept = bothAnswered.test(e) ? compared : waiting;
            kept.put(key, e);
            while (kept.size() > capacity) {
                kept.remove(kept.keySet().iterator().next());
            }
        }

        int size() {
            return compared.size() + waiting.size();
        }
    }

    public synchronized void live(DefectSegmentation s) {
        segmentation(s, true);
    }

    public synchronized void shadow(DefectSegmentation s) {
        segmentation(s, false);
    }

    private void segmentation(DefectSegmentation s, boolean live) {
        changes++;
        if (!readable(s)) {
            unreadableLive += live ? 1 : 0;
            unreadableShadow += live ? 0 : 1;
        } else if (live) {
            liveSegmenter = s.getModel();
            segmentations.update(s.getCoilId(), s.getImageId(), e -> e.live = s);
        } else {
            shadowSegmenter = s.getModel();
            segmentations.update(s.getCoilId(), s.getImageId(), e -> e.shadow = s);
        }
    }

    /** A segmentation whose masks fit its image, one per class; any other is left out with a log line, not scored. */
    private boolean readable(DefectSegmentation s) {
        java.util.Set<Integer> classes = new java.util.HashSet<>();
        try {
            for (DefectMask m : s.getMasks()) {
                Runs.parse(m.getRle(), s.getHeight(), s.getWidth());
                if (m.getClassId() < 1 || !classes.add(m.getClassId())) {
                    throw new IllegalArgumentException("class " + m.getClassId() + " twice or below 1");
                }
            }
            classes.forEach(c -> highestClass = Math.max(highestClass, c));
            return true;
        } catch (IllegalArgumentException e) {
            LOG.warn("shadow comparison leaves out the segmentation of image {} by {}: {}", s.getImageId(), s.getModel().getName(), e.getMessage());
            return false;
        }
    }

    public synchronized void liveDecision(ImageClassified c) {
        liveClassifier = c.getModel();
        changes++;
        decisions.update(c.getCoilId(), c.getImageId(), e -> e.liveDecision = c);
    }

    public synchronized void shadowDecision(ImageClassified c) {
        shadowClassifier = c.getModel();
        changes++;
        decisions.update(c.getCoilId(), c.getImageId(), e -> e.shadowDecision = c);
    }

    /** The last review of an image read (its coil's partition keeps the order they were stored in) counts; kept without its image. */
    public synchronized void review(DefectReviewed r) {
        DefectReviewed kept = DefectReviewed.newBuilder(r).setImageBytes(null).build();
        kept.getReviewedMasks().forEach(m -> highestClass = Math.max(highestClass, m.getClassId()));
        changes++;
        segmentations.update(r.getCoilId(), r.getImageId(), e -> e.review = kept);
        decisions.update(r.getCoilId(), r.getImageId(), e -> e.review = kept);
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
        out.put("imagesKept", segmentations.size() + decisions.size());
        Map<String, Object> segmenter = SegmenterComparison.report(segmentations.compared.values(), liveSegmenter, shadowSegmenter,
                highestClass, disagreements);
        segmenter.put("liveOnly", segmentations.waiting.values().stream().filter(e -> e.live != null && e.shadow == null).count());
        segmenter.put("shadowOnly", segmentations.waiting.values().stream().filter(e -> e.shadow != null && e.live == null).count());
        segmenter.put("unreadableLive", unreadableLive);
        segmenter.put("unreadableShadow", unreadableShadow);
        out.put("segmenter", segmenter);
        Map<String, Object> classifier = ClassifierComparison.report(decisions.compared.values(), liveClassifier, shadowClassifier);
        classifier.put("liveOnly", decisions.waiting.values().stream().filter(e -> e.liveDecision != null && e.shadowDecision == null).count());
        classifier.put("shadowOnly", decisions.waiting.values().stream().filter(e -> e.shadowDecision != null && e.liveDecision == null).count());
        out.put("classifier", classifier);
        return out;
    }

    /** "name:version", as the reports name a model. */
    static String name(ModelRef model) {
        return model == null ? null : model.getName() + ":" + model.getVersion();
    }
}
