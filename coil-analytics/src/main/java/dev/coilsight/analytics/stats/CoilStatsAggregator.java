package dev.coilsight.analytics.stats;

import java.util.ArrayList;
import java.util.List;

import dev.coilsight.schemas.ClassDefectStats;
import dev.coilsight.schemas.CoilDefectStats;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.ImageClassified;

/**
 * Folds classifications and segmentations into a coil's running figures. Both folds only add, so the
 * result is the same whatever order the two kinds of record arrive in (a segmentation may be read
 * before the classification of its image when the two topics are consumed side by side).
 */
public final class CoilStatsAggregator {

    private CoilStatsAggregator() {
    }

    /** The figures of a coil nothing is known about yet. */
    public static CoilDefectStats empty(String coilId) {
        return CoilDefectStats.newBuilder()
                .setCoilId(coilId)
                .setLineId(null)
                .setImagesInspected(0)
                .setDefectiveImages(0)
                .setDefectRate(0)
                .setPixelsInspected(0)
                .setClasses(new ArrayList<>())
                .setFirstCapturedAt(java.time.Instant.ofEpochMilli(Long.MAX_VALUE))
                .setLastCapturedAt(java.time.Instant.ofEpochMilli(Long.MIN_VALUE))
                .setUpdatedAt(java.time.Instant.ofEpochMilli(0))
                .build();
    }

    /** Adds one classified image: inspected count, defective count, inspected area, capture times. */
    public static CoilDefectStats add(CoilDefectStats stats, ImageClassified image, long now) {
        CoilDefectStats.Builder b = CoilDefectStats.newBuilder(stats);
        long inspected = stats.getImagesInspected() + 1;
        long defective = stats.getDefectiveImages() + (image.getDefective() ? 1 : 0);
        long pixels = stats.getPixelsInspected() + (long) image.getWidth() * image.getHeight();
        b.setImagesInspected(inspected).setDefectiveImages(defective).setDefectRate((double) defective / inspected)
                .setPixelsInspected(pixels)
                .setClasses(withAreaFractions(stats.getClasses(), pixels));
        return finish(b, stats, image.getCoilId(), image.getLineId(), image.getCapturedAt().toEpochMilli(), now);
    }

    /** Adds one segmented image: per class present, one more image and its mask pixels. */
    public static CoilDefectStats add(CoilDefectStats stats, DefectSegmentation segmentation, long now) {
        List<ClassDefectStats> classes = new ArrayList<>(stats.getClasses().size() + segmentation.getMasks().size());
        for (ClassDefectStats c : stats.getClasses()) {
            classes.add(ClassDefectStats.newBuilder(c).build());
        }
        for (DefectMask mask : segmentation.getMasks()) {
            ClassDefectStats entry = find(classes, mask.getClassId());
            if (entry == null) {
                entry = new ClassDefectStats(mask.getClassId(), mask.getClassName(), 0L, 0L, 0.0);
                classes.add(entry);
            }
            entry.setImages(entry.getImages() + 1);
            entry.setPixels(entry.getPixels() + mask.getPixelCount());
        }
        classes.sort(java.util.Comparator.comparingInt(ClassDefectStats::getClassId));
        CoilDefectStats.Builder b = CoilDefectStats.newBuilder(stats)
                .setClasses(withAreaFractions(classes, stats.getPixelsInspected()));
        return finish(b, stats, segmentation.getCoilId(), segmentation.getLineId(), segmentation.getCapturedAt().toEpochMilli(), now);
    }

    /** Whether any image of the coil has been seen (an aggregate starts from {@link #empty}). */
    public static boolean seen(CoilDefectStats stats) {
        return stats.getFirstCapturedAt().toEpochMilli() != Long.MAX_VALUE;
    }

    private static CoilDefectStats finish(CoilDefectStats.Builder b, CoilDefectStats old, String coilId, String lineId, long capturedAt,
            long now) {
        b.setCoilId(coilId);
        if (lineId != null) {
            b.setLineId(lineId);
        }
        b.setFirstCapturedAt(java.time.Instant.ofEpochMilli(Math.min(old.getFirstCapturedAt().toEpochMilli(), capturedAt)));
        b.setLastCapturedAt(java.time.Instant.ofEpochMilli(Math.max(old.getLastCapturedAt().toEpochMilli(), capturedAt)));
        b.setUpdatedAt(java.time.Instant.ofEpochMilli(now));
        return b.build();
    }

    /** Per-class area fractions over the pixels inspected so far (0 until a classification brought some). */
    private static List<ClassDefectStats> withAreaFractions(List<ClassDefectStats> classes, long pixelsInspected) {
        List<ClassDefectStats> out = new ArrayList<>(classes.size());
        for (ClassDefectStats c : classes) {
            double fraction = pixelsInspected == 0 ? 0.0 : (double) c.getPixels() / pixelsInspected;
            out.add(ClassDefectStats.newBuilder(c).setAreaFraction(fraction).build());
        }
        return out;
    }

    private static ClassDefectStats find(List<ClassDefectStats> classes, int classId) {
        for (ClassDefectStats c : classes) {
            if (c.getClassId() == classId) {
                return c;
            }
        }
        return null;
    }
}
