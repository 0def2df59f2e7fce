package dev.coilsight.trainer.net;

import java.util.List;
import java.util.OptionalDouble;

import dev.coilsight.core.model.ClassifierDecision;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;

/**
 * GFLOP a model spends on one image as the workers feed it: the segmenter on the image padded (or resized) as its card
 * says, the classifier on every window of its decision (or the whole image). Counted from the architecture the card
 * records (every member's, for an ensemble), built as a graph ({@link NetworkFlops}; a classifier that pools its windows in the graph counts one pass over the
 * image, the windows' pooling being negligible); a card without one (a Keras model with a hand-written card) has no
 * figure.
 */
public final class ModelArithmetic {

    private ModelArithmetic() {
    }

    /** Every forward pass an image costs as the card serves it: its windows, and one more pass per test-time flip. */
    public static OptionalDouble gflopPerImage(ModelCard card, int height, int width) {
        List<Architecture> networks = Architecture.recordedMembers(card);
        if (networks.isEmpty()) {
            return OptionalDouble.empty();
        }
        Preprocessor pre = new Preprocessor(card.input());
        int passes = card.flips().flips().size() + 1;
        boolean wholeImage = card.segmentation() || new ClassifierDecision(card).wholeImageInOnePass(height, width);
        int passHeight = wholeImage ? height : card.decision().windowHeight();
        int passWidth = wholeImage ? width : card.decision().windowWidth();
        int windows = wholeImage ? 1 : ClassifierDecision.origins(height, width, passHeight, passWidth).size();
        double flops = 0;
        for (Architecture arch : networks) {
            flops += NetworkFlops.forward(arch, pre.inputHeight(passHeight), pre.inputWidth(passWidth));
        }
        return OptionalDouble.of(passes * windows * flops / 1e9);
    }
}
