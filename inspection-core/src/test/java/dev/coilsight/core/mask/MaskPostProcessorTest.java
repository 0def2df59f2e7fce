package dev.coilsight.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.rle.RunLengthEncoding;

class MaskPostProcessorTest {

    private static final int H = 8;
    private static final int W = 10;

    /** Two classes; class 1 has a 3x2 blob at 0.9 and a single noisy pixel at 0.7; class 2 only 0.4. */
    private static float[] probabilities() {
        float[] p = new float[H * W * 2];
        for (int r = 1; r <= 3; r++) {
            for (int c = 2; c <= 3; c++) {
                p[(r * W + c) * 2] = 0.9f;
            }
        }
        p[(6 * W + 8) * 2] = 0.7f;
        for (int i = 0; i < H * W; i++) {
            p[i * 2 + 1] = 0.4f;
        }
        return p;
    }

    @Test
    void thresholdsKeepsComponentsAboveTheMinimumAreaAndDescribesThem() {
        MaskPostProcessor post = new MaskPostProcessor(List.of(new ModelCard.ClassSpec(1, "one", 0.5, 2), new ModelCard.ClassSpec(2, "two", 0.5, 0)));
        List<MaskPostProcessor.DefectMask> defects = post.process(probabilities(), H, W, H, W, false);
        assertThat(defects).hasSize(1);
        MaskPostProcessor.DefectMask d = defects.get(0);
        assertThat(d.classId()).isEqualTo(1);
        assertThat(d.pixels()).isEqualTo(6);
        assertThat(d.components()).isEqualTo(1);
        assertThat(d.boundingBox().minRow()).isEqualTo(1);
        assertThat(d.boundingBox().maxRow()).isEqualTo(3);
        assertThat(d.boundingBox().minCol()).isEqualTo(2);
        assertThat(d.boundingBox().maxCol()).isEqualTo(3);
        assertThat(d.meanProbability()).isCloseTo(0.9, within(1e-6));
        // column-major, 1-based: column 2 starts at 2*8+1 = 17, rows 1..3 -> 18..20; column 3 -> 26..28
        assertThat(d.rle()).isEqualTo("18 3 26 3");
        assertThat(RunLengthEncoding.decode(d.rle(), H, W)).isEqualTo(d.mask());
    }

    @Test
    void withoutAMinimumAreaTheNoiseStaysAsASecondComponent() {
        MaskPostProcessor post = new MaskPostProcessor(List.of(new ModelCard.ClassSpec(1, "one", 0.5, 0), new ModelCard.ClassSpec(2, "two", 0.3, 0)));
        List<MaskPostProcessor.DefectMask> defects = post.process(probabilities(), H, W, H, W, false);
        assertThat(defects).hasSize(2);
        assertThat(defects.get(0).components()).isEqualTo(2);
        assertThat(defects.get(0).pixels()).isEqualTo(7);
        assertThat(defects.get(1).pixels()).isEqualTo(H * W);
    }

    @Test
    void cropsPaddedOutputsBackToTheImage() {
        MaskPostProcessor post = new MaskPostProcessor(List.of(new ModelCard.ClassSpec(1, "one", 0.5, 0), new ModelCard.ClassSpec(2, "two", 0.5, 0)));
        // Source 6x9 inside the 8x10 output: the 0.7 pixel at (6, 8) falls outside.
        List<MaskPostProcessor.DefectMask> defects = post.process(probabilities(), H, W, 6, 9, false);
        assertThat(defects.get(0).pixels()).isEqualTo(6);
        assertThat(defects.get(0).mask().height()).isEqualTo(6);
    }
}
