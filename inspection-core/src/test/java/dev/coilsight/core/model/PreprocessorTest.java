package dev.coilsight.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.coilsight.core.image.DecodedImage;

class PreprocessorTest {

    @Test
    void padsBottomAndRightByRepeatingTheEdgeAndScales() {
        // 2x3 gray image, multiple 4 -> 4x4
        DecodedImage image = new DecodedImage(3, 2, 1, new byte[] {0, 51, (byte) 255, 102, (byte) 204, 10});
        Preprocessor.Prepared p = new Preprocessor(InputSpec.padded("input", 1, 4)).prepare(image);
        assertThat(p.height()).isEqualTo(4);
        assertThat(p.width()).isEqualTo(4);
        assertThat(p.sourceHeight()).isEqualTo(2);
        assertThat(p.sourceWidth()).isEqualTo(3);
        float[] v = p.values();
        assertThat(v[0]).isEqualTo(0f);
        assertThat(v[1]).isCloseTo(0.2f, within(1e-6f));
        assertThat(v[2]).isCloseTo(1f, within(1e-6f));
        assertThat(v[3]).as("right edge repeated").isCloseTo(1f, within(1e-6f));
        assertThat(v[3 * 4 + 1]).as("bottom edge repeated").isCloseTo(0.8f, within(1e-6f));
    }

    @Test
    void normalisesPerChannelWithMeanAndStd() {
        InputSpec spec = new InputSpec("x", "NHWC", 3, "pad", 1, null, null, 1.0 / 255, List.of(0.5, 0.5, 0.5), List.of(0.25, 0.5, 1.0));
        DecodedImage image = new DecodedImage(1, 1, 3, new byte[] {(byte) 255, (byte) 255, 0});
        float[] v = new Preprocessor(spec).prepare(image).values();
        assertThat(v[0]).isCloseTo(2f, within(1e-5f));
        assertThat(v[1]).isCloseTo(1f, within(1e-5f));
        assertThat(v[2]).isCloseTo(-0.5f, within(1e-5f));
    }

    @Test
    void resizesToAFixedSize() {
        InputSpec spec = new InputSpec("x", "NHWC", 1, "resize", 0, 2, 2, 1.0, null, null);
        DecodedImage image = new DecodedImage(4, 4, 1, new byte[16]);
        Preprocessor.Prepared p = new Preprocessor(spec).prepare(image);
        assertThat(p.values()).hasSize(4);
        assertThat(p.height()).isEqualTo(2);
    }

    @Test
    void refusesAnImageWithOtherChannelsAndBadSpecs() {
        Preprocessor pre = new Preprocessor(InputSpec.padded("input", 1, 16));
        assertThatThrownBy(() -> pre.prepare(new DecodedImage(1, 1, 3, new byte[3]))).hasMessageContaining("3 channel(s), the model wants 1");
        assertThatThrownBy(() -> new InputSpec("x", "NCHW", 1, "pad", 16, null, null, 1, null, null)).hasMessageContaining("NHWC");
        assertThatThrownBy(() -> new InputSpec("x", "NHWC", 1, "resize", 0, null, null, 1, null, null)).hasMessageContaining("height");
    }

    @Test
    void randomImagesArePaddedAsTheDefinitionSaysInOneAndThreeChannels() {
        Random random = new Random(5);
        InputSpec colour = new InputSpec("x", "NHWC", 3, "pad", 16, null, null, 1.0 / 255, List.of(0.4, 0.5, 0.6), List.of(0.2, 0.3, 0.4));
        for (InputSpec spec : new InputSpec[] {InputSpec.padded("input", 1, 32), colour}) {
            for (int[] size : new int[][] {{1, 1}, {7, 13}, {32, 32}, {33, 50}, {256, 1600}}) {
                int channels = spec.channels();
                byte[] pixels = new byte[size[0] * size[1] * channels];
                random.nextBytes(pixels);
                Preprocessor pre = new Preprocessor(spec);
                Preprocessor.Prepared prepared = pre.prepare(new DecodedImage(size[1], size[0], channels, pixels));
                int h = prepared.height();
                int w = prepared.width();
                float[] expected = new float[h * w * channels];
                for (int r = 0; r < h; r++) {
                    for (int c = 0; c < w; c++) {
                        for (int k = 0; k < channels; k++) {
                            int value = pixels[(Math.min(r, size[0] - 1) * size[1] + Math.min(c, size[1] - 1)) * channels + k] & 0xff;
                            float factor = (float) (spec.scale() / spec.std().get(k));
                            float offset = (float) (spec.mean().get(k) / spec.std().get(k));
                            expected[(r * w + c) * channels + k] = value * factor - offset;
                        }
                    }
                }
                assertThat(prepared.values()).as("%dx%d in %d channel(s)", size[0], size[1], channels).isEqualTo(expected);
            }
        }
    }
}
