package dev.coilsight.trainer.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NetworkFlopsTest {

    private static final Architecture SEGMENTER = new Architecture(Architecture.Kind.SEGMENTER, 1, 4, 24, 3);
    private static final Architecture CLASSIFIER = new Architecture(Architecture.Kind.CLASSIFIER, 1, 1, 24, 3);

    @Test
    void theDefaultSeverstalSegmenterCostsWhatItsLayersAddUpTo() {
        // Counted by hand from the layer list for issue 19: ~29.6 GFLOP per 1600 x 256 image.
        assertThat(NetworkFlops.forward(SEGMENTER, 256, 1600) / 1e9).isCloseTo(29.63, within(0.01));
        assertThat(NetworkFlops.forward(CLASSIFIER, 256, 256) / 1e9).isCloseTo(1.16, within(0.01));
    }

    @Test
    void convolutionsCostInProportionToThePixels() {
        double half = NetworkFlops.forward(SEGMENTER, 256, 800);
        assertThat(NetworkFlops.forward(SEGMENTER, 256, 1600)).isCloseTo(2 * half, within(1.0));
        // The classifier's dense head does not grow with the image; its convolutions do.
        double small = NetworkFlops.forward(CLASSIFIER, 256, 256);
        assertThat(NetworkFlops.forward(CLASSIFIER, 512, 256)).isBetween(1.99 * small, 2.0 * small);
    }

    @Test
    void widerNetworksCostAboutTheSquareOfTheirWidth() {
        Architecture wide = new Architecture(Architecture.Kind.SEGMENTER, 1, 4, 48, 3);
        double ratio = NetworkFlops.forward(wide, 256, 256) / NetworkFlops.forward(SEGMENTER, 256, 256);
        assertThat(ratio).isBetween(3.5, 4.0);
    }
}
