package dev.coilsight.workerruntime;

import java.util.List;

import dev.coilsight.core.model.InputSpec;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;

/**
 * Tells a record the model fails on from a model (or device) that fails on everything: after a failure,
 * the model runs once on a blank input of a shape it has taken before. If that fails too, the fault is
 * the model's (a closed predictor, a CUDA error, device memory gone) and the batch must not be
 * dead-lettered; otherwise it is the record's. One per worker thread.
 */
final class ModelProbe {

    /** The side of the blank input before the model has taken any input (rounded up to the size multiple), but for a windowed classifier. */
    static final int FIRST_PROBE_SIDE = 64;

    /** Thrown when the model failed on a record and on the blank input too: read the batch again later. */
    static final class ModelUnavailableException extends RuntimeException {
        ModelUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private ModelCard card;
    private int height;
    private int width;
    private int channels;

    /** The model of this card took an input of this shape. */
    void worked(ModelCard card, Preprocessor.Prepared input) {
        this.card = card;
        height = input.height();
        width = input.width();
        channels = input.channels();
    }

    /**
     * Runs the model on a blank input; throws {@link ModelUnavailableException} (with {@code failure}, the
     * record's error if there was one, as its cause) when that fails too.
     */
    void check(BatchProcessor.Predict predict, ModelCard card, RuntimeException failure) {
        Preprocessor.Prepared blank = blank(card);
        try {
            List<float[]> out = predict.predict(List.of(blank));
            if (out.size() != 1) {
                throw new IllegalStateException("the model gave " + out.size() + " outputs for a blank input");
            }
        } catch (RuntimeException e) {
            ModelUnavailableException unavailable = new ModelUnavailableException("the model fails on a blank " + blank.height() + "x"
                    + blank.width() + " input too (" + e.getMessage() + "): the model or its device, not the record", failure);
            unavailable.addSuppressed(e);
            throw unavailable;
        }
    }

    private Preprocessor.Prepared blank(ModelCard card) {
        InputSpec spec = card.input();
        int h = height;
        int w = width;
        int c = channels;
        // A shape taken by an earlier model (before a swap) proves nothing about this one, even with the same input.
        if (h == 0 || !card.equals(this.card)) {
            // Before any input: what the card says the model takes, a classifier's decision window at the least (one
            // that pools its windows in the graph cannot take less than one window).
            ModelCard.Decision decision = card.decision();
            boolean windowed = !card.segmentation() && decision != null && decision.windowed();
            Preprocessor sizes = new Preprocessor(spec);
            h = sizes.inputHeight(windowed ? decision.windowHeight() : FIRST_PROBE_SIDE);
            w = sizes.inputWidth(windowed ? decision.windowWidth() : FIRST_PROBE_SIDE);
            c = spec.channels();
        }
        return new Preprocessor.Prepared(new float[h * w * c], h, w, c, h, w);
    }
}
