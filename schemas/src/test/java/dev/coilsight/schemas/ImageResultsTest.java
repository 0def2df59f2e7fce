package dev.coilsight.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;

class ImageResultsTest {

    /** The fields that say which image a result is about and where it lies on the coil. */
    private static final List<String> PLACE = List.of("imageId", "coilId", "cameraId", "sequence", "capturedAt", "positionMm", "lineId");
    private static final ImageCaptured LAST_OF_COIL = ImageCaptured.newBuilder(SampleRecords.image("C-7", 42, new byte[] {1}))
            .setCoilEnd(true).build();
    private static final ModelRef MODEL = new ModelRef("m", "1");
    private static final StageTimings TIMINGS = new StageTimings(Instant.EPOCH, Instant.EPOCH, 1.0, 1.0, 1);

    private static void assertPlacedAsTheImage(SpecificRecordBase result) {
        for (String field : PLACE) {
            assertThat(result.get(field)).as(field).isNotNull().isEqualTo(LAST_OF_COIL.get(field));
        }
    }

    @Test
    void aClassificationCarriesTheImagesIdentityPlaceSizeAndCoilEnd() {
        ImageClassified classified = ImageResults.classification(LAST_OF_COIL)
                .setDefectProbability(0.7f).setDefective(true).setThreshold(0.5f).setModel(MODEL).setTimings(TIMINGS).build();
        assertPlacedAsTheImage(classified);
        assertThat(classified.getWidth()).isEqualTo(1600);
        assertThat(classified.getHeight()).isEqualTo(256);
        assertThat(classified.getCoilEnd()).isTrue();
    }

    @Test
    void aSegmentationCarriesTheImagesIdentityAndPlaceAndTheSizeItIsGiven() {
        DefectSegmentation segmentation = ImageResults.segmentation(LAST_OF_COIL)
                .setWidth(800).setHeight(128).setMasks(List.of()).setModel(MODEL).setTimings(TIMINGS).build();
        assertPlacedAsTheImage(segmentation);
        assertThat(segmentation.getWidth()).isEqualTo(800);
        assertThat(segmentation.getHeight()).isEqualTo(128);
    }
}
