package dev.coilsight.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

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

        LabeledImage resized = image.resized(16, 16);

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
    void aCleanImageStaysClean() {
        LabeledImage clean = new LabeledImage("c", 40, 30, 1, new byte[1200], new byte[1200]);
        assertThat(clean.resized(16, 32).defective()).isFalse();
    }
}
