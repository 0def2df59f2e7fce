package dev.coilsight.analytics.coilmap;

import java.util.List;

/**
 * One segmented image on the coil map: where it lies on the strip, its defects placed in millimetres, and its masks
 * as the segmenter published them, so that a defect clicked on the map shows its mask long after the image itself
 * left the recent-images store. The masks are kept apart from the rest ({@link #withoutMasks}), so that reading a
 * coil's map does not read every mask.
 */
public record MappedImage(String imageId, String cameraId, double startMm, double lengthMm, int width, int height, List<StripDefect> defects,
        List<Mask> masks) {

    /** One class mask of the image (Kaggle RLE). */
    public record Mask(int classId, String className, String rle, long pixelCount) {
    }

    /** The masks of one image, as they are stored. */
    public record Masks(List<Mask> masks) {
        public Masks {
            masks = List.copyOf(masks);
        }
    }

    public MappedImage {
        defects = List.copyOf(defects);
        masks = List.copyOf(masks);
    }

    public MappedImage withoutMasks() {
        return new MappedImage(imageId, cameraId, startMm, lengthMm, width, height, defects, List.of());
    }

    public MappedImage withMasks(Masks stored) {
        return new MappedImage(imageId, cameraId, startMm, lengthMm, width, height, defects, stored.masks());
    }
}
