package dev.coilsight.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * DJL translator of Coilsight models: a prepared image (normalised NHWC floats) in, the sigmoid
 * output of the signature's named output tensor out (flattened HWC for a segmenter, one value
 * per output for a classifier). Batches stack images of the same prepared size.
 */
public final class ProbabilityTranslator implements Translator<Preprocessor.Prepared, float[]> {

    private final String outputName;

    public ProbabilityTranslator(String outputName) {
        this.outputName = outputName;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Preprocessor.Prepared input) {
        NDArray array = ctx.getNDManager().create(input.values(), new Shape(input.height(), input.width(), input.channels()));
        return new NDList(array);
    }

    @Override
    public float[] processOutput(TranslatorContext ctx, NDList list) {
        // Outputs come ordered by signature key, not by position in the graph: pick ours by name.
        NDArray output = list.size() == 1 ? list.singletonOrThrow() : list.get(outputName);
        if (output == null) {
            throw new IllegalStateException("the model has no output named '" + outputName + "' (outputs: " + list.stream().map(NDArray::getName).toList() + ")");
        }
        return output.toFloatArray();
    }

    @Override
    public Batchifier getBatchifier() {
        return Batchifier.STACK;
    }

}
