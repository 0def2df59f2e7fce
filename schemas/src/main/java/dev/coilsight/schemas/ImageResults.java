package dev.coilsight.schemas;

/**
 * The start of each record an inference worker publishes about one captured image: the image's id,
 * coil, camera, sequence, capture time, position and line, copied from its {@link ImageCaptured} so
 * that analytics can join the result to its image and place it on the coil. The caller adds what
 * its stage found.
 */
public final class ImageResults {

    private ImageResults() {
    }

    /** A classification of the image with its identity, place, size and coil end set; the verdict, model and timings are the caller's. */
    public static ImageClassified.Builder classification(ImageCaptured image) {
        return ImageClassified.newBuilder()
                .setImageId(image.getImageId())
                .setCoilId(image.getCoilId())
                .setCameraId(image.getCameraId())
                .setSequence(image.getSequence())
                .setCapturedAt(image.getCapturedAt())
                .setPositionMm(image.getPositionMm())
                .setLineId(image.getLineId())
                .setWidth(image.getWidth())
                .setHeight(image.getHeight())
                .setCoilEnd(image.getCoilEnd());
    }

    /**
     * A segmentation of the image with its identity and place set; the size (the RLE's frame, that of the decoded
     * image), the masks, model and timings are the caller's.
     */
    public static DefectSegmentation.Builder segmentation(ImageCaptured image) {
        return DefectSegmentation.newBuilder()
                .setImageId(image.getImageId())
                .setCoilId(image.getCoilId())
                .setCameraId(image.getCameraId())
                .setSequence(image.getSequence())
                .setCapturedAt(image.getCapturedAt())
                .setPositionMm(image.getPositionMm())
                .setLineId(image.getLineId());
    }
}
