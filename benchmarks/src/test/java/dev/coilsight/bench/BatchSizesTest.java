package dev.coilsight.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BatchSizesTest {

    @Test
    void imagesPerSizeBecomeBatches() {
        List<Integer> perImage = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            for (int i = 0; i < 8; i++) {
                perImage.add(8); // ten full batches
            }
        }
        perImage.addAll(List.of(3, 3, 3, 1, 1)); // one batch of 3, two of 1
        BatchSizes sizes = BatchSizes.fromImages(perImage);
        assertThat(sizes.batches()).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(1, 2, 3, 1, 8, 10)));
        assertThat(sizes.batchCount()).isEqualTo(13);
        assertThat(sizes.mean()).isEqualTo(85 / 13.0);
        assertThat(sizes.toString()).isEqualTo("1x2 3x1 8x10");
    }

    @Test
    void aPartialBatchStillCountsOnce() {
        assertThat(BatchSizes.fromImages(List.of(8, 8, 8)).batches()).containsExactlyEntriesOf(Map.of(8, 1));
    }

    @Test
    void roundsAddUp() {
        BatchSizes sum = BatchSizes.fromImages(List.of(2, 2, 1)).plus(BatchSizes.fromImages(List.of(2, 2, 4, 4, 4, 4)));
        assertThat(sum.toString()).isEqualTo("1x1 2x2 4x1");
    }

    @Test
    void emptyHasNoMean() {
        BatchSizes none = BatchSizes.fromImages(List.of());
        assertThat(none.batchCount()).isZero();
        assertThat(none.mean()).isNaN();
        assertThat(none.toString()).isEqualTo("-");
    }
}
