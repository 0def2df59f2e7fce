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
 * each model's Dice (or accuracy) against the reviewed masks. Fed from the topics by
 * {@link dev.coilsight.analytics.recent.ResultsFeed}. This class keeps the latest images; {@link SegmenterComparison} and
 * {@link ClassifierComparison} score them.
 */
public final class ShadowComparison {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShadowComparison.class);

    private final int capacity;
    private final LinkedHashMap<String, ShadowImage> entries = new LinkedHashMap<>();
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

    /** The last review of an image read (its coil's partition keeps the order they were stored in) counts; kept without its image. */
    public synchronized void review(DefectReviewed r) {
        entry(r.getCoilId(), r.getImageId()).review = DefectReviewed.newBuilder(r).setImageBytes(null).build();
    }

    private ShadowImage entry(String coilId, String imageId) {
        changes++;
        String key = ShadowImage.key(coilId, imageId);
        ShadowImage e = entries.remove(key);
        if (e == null) {
            e = new ShadowImage(coilId, imageId);
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
        out.put("segmenter", SegmenterComparison.report(entries.values(), name(liveSegmenter), name(shadowSegmenter), disagreements));
        out.put("classifier", ClassifierComparison.report(entries.values(), name(liveClassifier), name(shadowClassifier)));
        return out;
    }

    private static String name(ModelRef model) {
        return model == null ? null : model.getName() + ":" + model.getVersion();
    }
}
