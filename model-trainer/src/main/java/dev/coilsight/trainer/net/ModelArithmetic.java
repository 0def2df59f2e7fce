package dev.coilsight.trainer.net;

import java.util.Optional;
import java.util.OptionalDouble;

import dev.coilsight.core.model.ClassifierDecision;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;

/**
 * GFLOP a model spends on one image as the workers feed it: the segmenter on the image padded (or resized) as its card
 * says, the classifier on every window of its decision (or the whole image). Counted from the architecture the card
 * records, built as a graph ({@link NetworkFlops}; a classifier that pools its windows in the graph counts one pass over the
 * image, the windows' pooling being negligible); a card without one (a Keras model with a hand-written card) has no
 * figure.
 */
public final class ModelArithmetic {

    private ModelArithmetic() {
    }

    /** Every forward pass an image costs as the card serves it: its windows, and one more pass per test-time flip. */
    public static OptionalDouble gflopPerImage(ModelCard card, int height, int width) {
        Optional<Architecture> recorded = Architecture.recorded(card);
        if (recorded.isEmpty()) {
            return OptionalDouble.empty();
        }
        Architecture arch = recorded.get();
        Preprocessor pre = new Preprocessor(card.input());
        int passes = card.flips().flips().size() + 1;
        if (card.segmentation() || !card.decision().windowed() || card.decision().pooledInGraph()) {
            return OptionalDouble.of(passes * NetworkFlops.forward(arch, pre.inputHeight(height), pre.inputWidth(width)) / 1e9);
        }
        int wh = card.decision().windowHeight();
        int ww = card.decision().windowWidth();
        int windows = ClassifierDecision.origins(height, width, wh, ww).size();
        return OptionalDouble.of(passes * windows * NetworkFlops.forward(arch, pre.inputHeight(wh), pre.inputWidth(ww)) / 1e9);
    }
}
