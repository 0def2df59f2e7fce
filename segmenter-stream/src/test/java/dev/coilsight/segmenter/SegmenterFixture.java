package dev.coilsight.segmenter;

import java.time.Instant;

import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.ImageResults;
import dev.coilsight.schemas.ModelRef;
import dev.coilsight.schemas.StageTimings;
import dev.coilsight.workerruntime.WorkerFixture;

/** Segmenter inputs for the tests and the benchmark. */
public final class SegmenterFixture {

    private SegmenterFixture() {
    }

    /** An image as the classifier forwards it when defective (probability 0.9 over threshold 0.5, model "upstream" 1). */
    public static DefectiveImage defective(String imageId, String coilId, long sequence, byte[] bytes, int width, int height) {
        ImageCaptured image = WorkerFixture.image(imageId, coilId, sequence, bytes, width, height);
        ImageClassified classification = ImageResults.classification(image)
                .setDefectProbability(0.9f).setDefective(true).setThreshold(0.5f)
                .setModel(new ModelRef("upstream", "1"))
                .setTimings(new StageTimings(Instant.now(), Instant.now(), 1.0, 1.0, 1)).build();
        return new DefectiveImage(image, classification);
    }
}
