package dev.coilsight.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class ImageResultsTest {

    private static final ImageCaptured LAST_OF_COIL = ImageCaptured.newBuilder(SampleRecords.image("C-7", 42, new byte[] {1}))
            .setCoilEnd(true).build();
    private static final ModelRef MODEL = new ModelRef("m", "1");
    private static final StageTimings TIMINGS = new StageTimings(Instant.EPOCH, Instant.EPOCH, 1.0, 1.0, 1);

    @Test
    void aClassificationCarriesTheImagesIdentityPlaceSizeAndCoilEnd() {
        ImageClassified classified = ImageResults.classification(LAST_OF_COIL)
                .setDefectProbability(0.7f).setDefective(true).setThreshold(0.5f).setModel(MODEL).setTimings(TIMINGS).build();
        assertThat(classified.getImageId()).isEqualTo("img-C-7-42");
        assertThat(classified.getCoilId()).isEqualTo("C-7");
        assertThat(classified.getCameraId()).isEqualTo("cam-top");
        assertThat(classified.getSequence()).isEqualTo(42);
        assertThat(classified.getCapturedAt()).isEqualTo(LAST_OF_COIL.getCapturedAt());
        assertThat(classified.getPositionMm()).isEqualTo(42 * 1600.0);
        assertThat(classified.getLineId()).isEqualTo("hsm-1");
        assertThat(classified.getWidth()).isEqualTo(1600);
        assertThat(classified.getHeight()).isEqualTo(256);
        assertThat(classified.getCoilEnd()).isTrue();
    }

    @Test
    void aSegmentationCarriesTheImagesIdentityAndPlace() {
        DefectSegmentation segmentation = ImageResults.segmentation(LAST_OF_COIL)
                .setWidth(800).setHeight(128).setMasks(List.of()).setModel(MODEL).setTimings(TIMINGS).build();
        assertThat(segmentation.getImageId()).isEqualTo("img-C-7-42");
        assertThat(segmentation.getCoilId()).isEqualTo("C-7");
        assertThat(segmentation.getCameraId()).isEqualTo("cam-top");
        assertThat(segmentation.getSequence()).isEqualTo(42);
        assertThat(segmentation.getCapturedAt()).isEqualTo(LAST_OF_COIL.getCapturedAt());
        assertThat(segmentation.getPositionMm()).isEqualTo(42 * 1600.0);
        assertThat(segmentation.getLineId()).isEqualTo("hsm-1");
        assertThat(segmentation.getWidth()).isEqualTo(800);
    }
}
