package dev.coilsight.workerruntime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;

/**
 * Runs the model over a batch's prepared inputs: one forward pass per input size, each pass within the
 * model input budget's pixels; when a pass fails, each of its images is tried alone so that only the
 * images the model fails on are given up, and a model that fails on a blank input too stops the batch
 * ({@link ModelProbe}). One per worker thread.
 */
final class ForwardPasses {

    private static final Logger log = LoggerFactory.getLogger(ForwardPasses.class);

    /** An image of the batch as the forward passes see it. */
    interface Image {
        /** Its model inputs, all of one size. */
        List<Preprocessor.Prepared> inputs();

        /** The model's outputs for {@link #inputs()}, in order. */
        void outputs(List<float[]> outputs);

        /** The model failed on this image alone (and not on a blank input). */
        void failed(RuntimeException error);
    }

    /** The shape of one model input: images of one shape share a forward pass. */
    record InputSize(int height, int width, int channels) {
        static InputSize of(Preprocessor.Prepared input) {
            return new InputSize(input.height(), input.width(), input.channels());
        }
    }

    private final String stage;
    private final InputBudget budget;
    private final ModelProbe probe = new ModelProbe();

    ForwardPasses(String stage, InputBudget budget) {
        this.stage = stage;
        this.budget = budget;
    }

    /**
     * @return the number of images that went through the model
     * @throws ModelProbe.ModelUnavailableException when the model fails on a blank input too
     */
    int run(List<? extends Image> images, ModelCard card, BatchProcessor.Predict predict) {
        Map<InputSize, List<Image>> bySize = new LinkedHashMap<>();
        for (Image image : images) {
            bySize.computeIfAbsent(InputSize.of(image.inputs().get(0)), k -> new ArrayList<>()).add(image);
        }
        int inferred = 0;
        for (List<Image> pass : passes(bySize.values())) {
            List<Preprocessor.Prepared> inputs = new ArrayList<>();
            pass.forEach(image -> inputs.addAll(image.inputs()));
            List<float[]> outputs;
            try {
                outputs = predict(predict, card, inputs);
            } catch (RuntimeException e) {
                if (pass.size() == 1) {
                    failedOn(pass.get(0), e, card, predict);
                    continue;
                }
                log.warn("{} batch of {} images failed ({}); trying them one by one", stage, pass.size(), e.getMessage());
                for (Image image : pass) {
                    inferred += alone(image, card, predict);
                }
                continue;
            }
            int at = 0;
            for (Image image : pass) {
                image.outputs(outputs.subList(at, at + image.inputs().size()));
                at += image.inputs().size();
            }
            inferred += pass.size();
        }
        return inferred;
    }

    /** Each size's images cut into passes of at most {@code COILSIGHT_MAX_BATCH_PIXELS} (one image at least). */
    private List<List<Image>> passes(Iterable<List<Image>> sizes) {
        List<List<Image>> passes = new ArrayList<>();
        for (List<Image> size : sizes) {
            List<Image> pass = new ArrayList<>();
            long pixels = 0;
            for (Image image : size) {
                long imagePixels = image.inputs().stream().mapToLong(p -> (long) p.height() * p.width()).sum();
                if (!pass.isEmpty() && pixels + imagePixels > budget.maxBatchPixels()) {
                    passes.add(pass);
                    pass = new ArrayList<>();
                    pixels = 0;
                }
                pass.add(image);
                pixels += imagePixels;
            }
            if (!pass.isEmpty()) {
                passes.add(pass);
            }
        }
        return passes;
    }

    private int alone(Image image, ModelCard card, BatchProcessor.Predict predict) {
        try {
            image.outputs(predict(predict, card, image.inputs()));
            return 1;
        } catch (RuntimeException e) {
            failedOn(image, e, card, predict);
            return 0;
        }
    }

    private List<float[]> predict(BatchProcessor.Predict predict, ModelCard card, List<Preprocessor.Prepared> inputs) {
        List<float[]> outputs = predict.predict(inputs);
        if (outputs.size() != inputs.size()) {
            throw new IllegalStateException("the model gave " + outputs.size() + " outputs for " + inputs.size() + " inputs");
        }
        probe.worked(card, inputs.get(0));
        return outputs;
    }

    /** @throws ModelProbe.ModelUnavailableException when the model fails on a blank input */
    void checkModel(ModelCard card, BatchProcessor.Predict predict) {
        probe.check(predict, card, null);
    }

    private void failedOn(Image image, RuntimeException error, ModelCard card, BatchProcessor.Predict predict) {
        probe.check(predict, card, error);
        image.failed(error);
    }
}
