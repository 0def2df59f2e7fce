package dev.coilsight.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.model.InputSpec;
import dev.coilsight.core.model.Preprocessor;

class LabeledImageTest {

    @Test
    void aResizedImageHasThePixelsTheServingResizeMakesAndKeepsADefectSmallerThanTheScaleStep() {
        int h = 37;
        int w = 53;
        byte[] pixels = new byte[h * w];
        new Random(7).nextBytes(pixels);
        byte[] bits = new byte[h * w];
        bits[20 * w + 31] = 0b10; // one pixel of the second class
        LabeledImage image = new LabeledImage("x", h, w, 1, pixels, bits);

        LabeledImage resized = image.resized(16, 16, LabeledImage.ResizedLabels.ANY_UNDER);

        assertThat(resized.height()).isEqualTo(16);
        assertThat(resized.width()).isEqualTo(16);
        assertThat(resized.defective()).as("a one-pixel defect survives a 2-3x reduction").isTrue();
        int marked = 0;
        for (byte b : resized.classBits()) {
            assertThat(b & ~0b10).isZero();
            marked += b != 0 ? 1 : 0;
        }
        assertThat(marked).isBetween(1, 4);
        // What the model is served: the same bilinear resize, unrounded.
        Preprocessor serving = new Preprocessor(new InputSpec("input", "NHWC", 1, InputSpec.RESIZE, 16, 16, 16, 1.0 / 255, null, null));
        float[] served = serving.prepare(new DecodedImage(w, h, 1, pixels)).values();
        for (int i = 0; i < served.length; i++) {
            assertThat(Math.abs(served[i] * 255 - (resized.pixels()[i] & 0xff))).isLessThanOrEqualTo(0.5f + 1e-3f);
        }
    }

    @Test
    void aSegmentersTargetsAreWhatMappedBackToTheSourceSizeBestMatchesItsMask() {
        // A one-pixel line in row 1 of 3, shrunk to 2 rows; predictions are mapped back as the workers and evaluate do.
        byte[] bits = {0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0};
        LabeledImage line = new LabeledImage("line", 3, 4, 1, new byte[12], bits);

        assertThat(iouMappedBack(line, line.resized(2, 4, LabeledImage.ResizedLabels.ANY_UNDER))).isCloseTo(1 / 3.0, within(1e-9));
        assertThat(iouMappedBack(line, line.resized(2, 4, LabeledImage.ResizedLabels.AS_MAPPED_BACK))).isCloseTo(0.5, within(1e-9));

        // Enlarged, every target pixel takes the source pixel at its centre: mapped back, the mask is exact.
        LabeledImage enlarged = line.resized(7, 9, LabeledImage.ResizedLabels.AS_MAPPED_BACK);
        assertThat(iouMappedBack(line, enlarged)).isEqualTo(1.0);
    }

    /** The IoU with {@code source}'s mask of {@code target}'s labels, each source pixel reading the target pixel nearest its centre. */
    private static double iouMappedBack(LabeledImage source, LabeledImage target) {
        int intersection = 0;
        int union = 0;
        for (int r = 0; r < source.height(); r++) {
            for (int c = 0; c < source.width(); c++) {
                int tr = Math.min(target.height() - 1, (int) ((r + 0.5) * target.height() / source.height()));
                int tc = Math.min(target.width() - 1, (int) ((c + 0.5) * target.width() / source.width()));
                boolean truth = source.classBits()[r * source.width() + c] != 0;
                boolean predicted = target.classBits()[tr * target.width() + tc] != 0;
                intersection += truth && predicted ? 1 : 0;
                union += truth || predicted ? 1 : 0;
            }
        }
        return (double) intersection / union;
    }

    @Test
    void aCleanImageStaysClean() {
        LabeledImage clean = new LabeledImage("c", 40, 30, 1, new byte[1200], new byte[1200]);
        assertThat(clean.resized(16, 32, LabeledImage.ResizedLabels.ANY_UNDER).defective()).isFalse();
        assertThat(clean.resized(16, 32, LabeledImage.ResizedLabels.AS_MAPPED_BACK).defective()).isFalse();
    }
}
