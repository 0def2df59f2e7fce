package dev.coilsight.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

/** One realistic record of each contract, for round-trip tests. */
public final class SampleRecords {

    private SampleRecords() {
    }

    public static ImageCaptured image(String coilId, long sequence, byte[] bytes) {
        return ImageCaptured.newBuilder()
                .setImageId("img-" + coilId + "-" + sequence)
                .setCoilId(coilId)
                .setCameraId("cam-top")
                .setSequence(sequence)
                .setCapturedAt(Instant.ofEpochMilli(1_764_000_000_000L + sequence * 40))
                .setPositionMm(sequence * 1600.0)
                .setLineId("hsm-1")
                .setEncoding(ImageEncoding.PNG)
                .setWidth(1600)
                .setHeight(256)
                .setBytes(ByteBuffer.wrap(bytes))
                .build();
    }

    public static ImageClassified classification(ImageCaptured image, float probability) {
        return ImageResults.classification(image)
                .setDefectProbability(probability)
                .setDefective(probability >= 0.5f)
                .setThreshold(0.5f)
                .setModel(new ModelRef("severstal-classifier", "1.0.0"))
                .setTimings(timings(8))
                .build();
    }

    public static DefectiveImage defective(ImageCaptured image) {
        return new DefectiveImage(image, classification(image, 0.93f));
    }

    public static DefectSegmentation segmentation(ImageCaptured image) {
        return ImageResults.segmentation(image)
                // position and line unknown: the nullable fields travel as null
                .setPositionMm(null)
                .setLineId(null)
                .setWidth(1600)
                .setHeight(256)
                .setMasks(List.of(
                        new DefectMask(1, "pitting", "29102 12 29346 24 29602 24", 60L, new BoundingBox(113, 174, 3, 24), 0.81f, 1),
                        new DefectMask(3, "scratches", "18661 28 18863 82", 110L, new BoundingBox(72, 185, 2, 82), 0.77f, 2)))
                .setModel(new ModelRef("severstal-resunet", "1.0.0"))
                .setTimings(timings(4))
                .build();
    }

    public static CoilDefectStats coilStats(String coilId) {
        return CoilDefectStats.newBuilder()
                .setCoilId(coilId)
                .setLineId("hsm-1")
                .setImagesInspected(120)
                .setDefectiveImages(9)
                .setDefectRate(9 / 120.0)
                .setPixelsInspected(120L * 1600 * 256)
                .setClasses(List.of(new ClassDefectStats(3, "scratches", 7L, 51_200L, 51_200 / (120.0 * 1600 * 256))))
                .setFirstCapturedAt(Instant.ofEpochMilli(1_764_000_000_000L))
                .setLastCapturedAt(Instant.ofEpochMilli(1_764_000_004_760L))
                .setUpdatedAt(Instant.ofEpochMilli(1_764_000_005_000L))
                .build();
    }

    private static StageTimings timings(int batchSize) {
        return new StageTimings(Instant.ofEpochMilli(1_764_000_000_100L), Instant.ofEpochMilli(1_764_000_000_180L),
                3.5, 61.0, batchSize);
    }
}
