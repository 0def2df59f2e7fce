package dev.coilsight.analytics.coilmap;

import java.util.List;

/**
 * One segmented image on the coil map: where it lies on the strip, its defects placed in millimetres, and its masks
 * as the segmenter published them, so that a defect clicked on the map shows its mask long after the image itself
 * left the recent-images store.
 */
public record MappedImage(String imageId, String cameraId, double startMm, double lengthMm, int width, int height, List<StripDefect> defects,
        List<Mask> masks) {

    /** One class mask of the image (Kaggle RLE). */
    public record Mask(int classId, String className, String rle, long pixelCount) {
    }

    public MappedImage {
        defects = List.copyOf(defects);
        masks = List.copyOf(masks);
    }
}
