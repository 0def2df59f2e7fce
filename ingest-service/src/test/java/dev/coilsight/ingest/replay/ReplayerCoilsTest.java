package dev.coilsight.ingest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** How a replay spreads a dataset over the coils asked for: every coil gets images, in order, sizes differing by one at most. */
class ReplayerCoilsTest {

    private static List<Long> sizes(int images, int coils) {
        List<Long> sizes = new ArrayList<>();
        for (int c = 0; c < coils; c++) {
            sizes.add(Replayer.firstOfCoil(c + 1, images, coils) - Replayer.firstOfCoil(c, images, coils));
        }
        return sizes;
    }

    @Test
    void everyCoilAskedForGetsImages() {
        assertThat(sizes(4, 3)).containsExactly(2L, 1L, 1L);
        assertThat(sizes(10, 3)).containsExactly(4L, 3L, 3L);
        assertThat(sizes(12, 3)).containsExactly(4L, 4L, 4L);
        assertThat(Replayer.firstOfCoil(3, 4, 3)).as("the coils end with the dataset").isEqualTo(4);
    }
}
