package dev.coilsight.workerruntime;

import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;

import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.StageTimings;

/**
 * What one inference service does around the shared loop: which records it reads, which model
 * task it serves, how an image becomes model inputs and how model outputs become result records.
 * Implementations are stateless and shared by the worker threads.
 *
 * @param <I> the input record type
 */
public interface InferenceStage<I extends SpecificRecord> {

    /** Stage name: the dead-letter header {@code coilsight.dlq.stage} and the metrics label. */
    String name();

    Class<I> inputType();

    /** {@link ModelCard#CLASSIFICATION} or {@link ModelCard#SEGMENTATION}. */
    String task();

    /** The image carried by an input record. */
    ImageCaptured image(I input);

    /**
     * The model inputs of one decoded image, all of the same prepared size.
     *
     * @throws IllegalArgumentException when the model cannot take this image (the record is dead-lettered)
     */
    List<Preprocessor.Prepared> inputs(ModelCard card, DecodedImage image);

    /**
     * The result records of one input, from the model outputs of its {@link #inputs} (same order).
     * Every result names the card's model name and version.
     */
    List<Output> outputs(ModelCard card, I input, List<Preprocessor.Prepared> inputs, List<float[]> outputs, StageTimings timings);

    /**
     * Checks one model output for {@code input} against what the card promises, throwing {@link IllegalStateException}
     * that says what is wrong. Here: every value finite (weights from a run that diverged give NaN, and NaN is above no
     * threshold, so a classifier would pass every image as clean). A stage adds what its output's shape must be.
     */
    default void checkOutput(ModelCard card, Preprocessor.Prepared input, float[] output) {
        for (float value : output) {
            if (!Float.isFinite(value)) {
                throw new IllegalStateException("the model gave " + value + " among its " + output.length + " output values");
            }
        }
    }

    /** The stage's own settings for the start-up log (its output topics), by variable name. */
    default Map<String, String> settings() {
        return Map.of();
    }

    /** The topics its results go to (the dead-letter topic aside): their record size limits are read at start. */
    default List<String> outputTopics() {
        return List.copyOf(settings().values());
    }

    /** A result record: topic, key (the coil id) and value. */
    record Output(String topic, String key, SpecificRecord value) {
    }
}
