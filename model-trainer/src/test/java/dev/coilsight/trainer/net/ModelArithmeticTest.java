package dev.coilsight.trainer.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.TestTimeFlips;

class ModelArithmeticTest {

    private static final Path MODELS = Path.of(System.getProperty("user.dir")).getParent().resolve("models");

    @Test
    void theWindowedClassifierPaysForEveryWindowAndTheSegmenterForThePaddedImage() {
        ModelCard pooled = ModelCard.read(MODELS.resolve("severstal-classifier"));
        ModelCard windowed = pooled.withDecision(new ModelCard.Decision(0.5, 256, 256));
        ModelCard segmenter = ModelCard.read(MODELS.resolve("severstal-resunet"));
        // 1600 x 256 in 256 x 256 windows at stride 128: 12 windows of 1.16 GFLOP.
        double perWindow = ModelArithmetic.gflopPerImage(windowed, 256, 1600).orElseThrow();
        assertThat(perWindow).isCloseTo(12 * 1.1608, within(0.01));
        // The default pools those windows from one pass of its encoder over the image: at most 55 % of that (issue 19).
        assertThat(pooled.decision().pooledInGraph()).isTrue();
        assertThat(ModelArithmetic.gflopPerImage(pooled, 256, 1600).orElseThrow()).isCloseTo(7.25, within(0.01)).isLessThan(0.55 * perWindow);
        // An image that is not whole cells goes window by window, pooled or not: as many passes as windows.
        assertThat(ModelArithmetic.gflopPerImage(pooled, 256, 1000).orElseThrow())
                .isCloseTo(ModelArithmetic.gflopPerImage(windowed, 256, 1000).orElseThrow(), within(1e-9));
        assertThat(ModelArithmetic.gflopPerImage(segmenter, 256, 1600).orElseThrow()).isCloseTo(29.63, within(0.01));
        // Not a multiple of 16: padded up to 256 x 1616 first.
        assertThat(ModelArithmetic.gflopPerImage(segmenter, 250, 1601).orElseThrow()).isCloseTo(29.63 * 1616 / 1600, within(0.02));
        // Each test-time flip is one more pass.
        ModelCard flipped = segmenter.withFlips(TestTimeFlips.parse(List.of("horizontal", "vertical")));
        assertThat(ModelArithmetic.gflopPerImage(flipped, 256, 1600).orElseThrow()).isCloseTo(3 * 29.63, within(0.03));
        assertThat(ModelArithmetic.gflopPerImage(windowed.withFlips(TestTimeFlips.parse(List.of("horizontal"))), 256, 1600).orElseThrow())
                .isCloseTo(2 * perWindow, within(0.01));
    }

    @Test
    void aResizingModelPaysForItsInputSizeWhateverTheImageAndACardWithoutArchitectureHasNoFigure() {
        ModelCard tiles = ModelCard.read(MODELS.resolve("magnetic-tile-classifier"));
        assertThat(ModelArithmetic.gflopPerImage(tiles, 300, 500).orElseThrow())
                .isEqualTo(ModelArithmetic.gflopPerImage(tiles, 120, 631).orElseThrow());
        ModelCard keras = new ModelCard("keras", "1", ModelCard.SEGMENTATION, "serving_default", tiles.input(), "probabilities",
                ModelCard.read(MODELS.resolve("severstal-resunet")).classes(), null, null, null, null);
        assertThat(ModelArithmetic.gflopPerImage(keras, 256, 256)).isEmpty();
    }
}
