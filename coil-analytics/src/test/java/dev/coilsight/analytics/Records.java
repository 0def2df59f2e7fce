package dev.coilsight.analytics;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.coilsight.schemas.BoundingBox;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.ImageEncoding;
import dev.coilsight.schemas.ModelRef;
import dev.coilsight.schemas.StageTimings;

/** Builders of the pipeline's records as the workers write them, for the aggregation tests. */
public final class Records {

    public static final int WIDTH = 1600;
    public static final int HEIGHT = 256;

    private Records() {
    }

    public static ImageClassified classified(String coilId, String imageId, String lineId, long capturedAt, boolean defective) {
        return ImageClassified.newBuilder()
                .setImageId(imageId).setCoilId(coilId).setCameraId("cam-1").setSequence(0)
                .setCapturedAt(Instant.ofEpochMilli(capturedAt)).setPositionMm(null).setLineId(lineId)
                .setWidth(WIDTH).setHeight(HEIGHT)
                .setDefectProbability(defective ? 0.9f : 0.1f).setDefective(defective).setThreshold(0.5f)
                .setModel(new ModelRef("test-classifier", "1"))
                .setTimings(timings(capturedAt))
                .build();
    }

    /** A segmentation with one mask per {@code (classId, rle)} pair; pixel counts from the RLE. */
    public static DefectSegmentation segmented(String coilId, String imageId, String lineId, long capturedAt, Object... classAndRle) {
        List<DefectMask> masks = new ArrayList<>();
        for (int i = 0; i < classAndRle.length; i += 2) {
            int classId = (Integer) classAndRle[i];
            String rle = (String) classAndRle[i + 1];
            long pixels = dev.coilsight.core.rle.RunLengthEncoding.pixelCount(rle, HEIGHT, WIDTH);
            masks.add(DefectMask.newBuilder().setClassId(classId).setClassName("class " + classId).setRle(rle).setPixelCount(pixels)
                    .setBoundingBox(new BoundingBox(0, 0, 1, 1)).setMeanProbability(0.8f).setComponentCount(1).build());
        }
        return DefectSegmentation.newBuilder()
                .setImageId(imageId).setCoilId(coilId).setCameraId("cam-1").setSequence(0)
                .setCapturedAt(Instant.ofEpochMilli(capturedAt)).setPositionMm(null).setLineId(lineId)
                .setWidth(WIDTH).setHeight(HEIGHT).setMasks(masks)
                .setModel(new ModelRef("test-segmenter", "1")).setTimings(timings(capturedAt))
                .build();
    }

    public static DefectiveImage defectiveImage(String coilId, String imageId, long capturedAt, byte[] png, int width, int height) {
        ImageCaptured image = ImageCaptured.newBuilder()
                .setImageId(imageId).setCoilId(coilId).setCameraId("cam-1").setSequence(0)
                .setCapturedAt(Instant.ofEpochMilli(capturedAt)).setPositionMm(null).setLineId(null)
                .setEncoding(ImageEncoding.PNG).setWidth(width).setHeight(height).setBytes(ByteBuffer.wrap(png))
                .build();
        ImageClassified c = classified(coilId, imageId, null, capturedAt, true);
        c.setWidth(width);
        c.setHeight(height);
        return new DefectiveImage(image, c);
    }

    private static StageTimings timings(long at) {
        return new StageTimings(Instant.ofEpochMilli(at), Instant.ofEpochMilli(at), 1.0, 1.0, 1);
    }
}
