package dev.coilsight.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;

/**
 * A model directory (SavedModel + {@code model.json}) loaded once with DJL's TensorFlow engine.
 * Predictors are not thread-safe: each worker thread takes its own {@link #newSession()}.
 */
public final class LoadedModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);
    public static final String ENGINE = "TensorFlow";

    private final Path directory;
    private final ModelCard card;
    private final ZooModel<Preprocessor.Prepared, float[]> model;
    private final Preprocessor preprocessor;

    private LoadedModel(Path directory, ModelCard card, ZooModel<Preprocessor.Prepared, float[]> model) {
        this.directory = directory;
        this.card = card;
        this.model = model;
        this.preprocessor = new Preprocessor(card.input());
    }

    /**
     * Loads fully offline (DJL would otherwise try to download an engine).
     *
     * @throws ModelLoadException naming the directory and what is wrong
     */
    public static LoadedModel load(Path directory) {
        System.setProperty("ai.djl.offline", "true");
        if (!Files.isDirectory(directory)) {
            throw new ModelLoadException("model directory " + directory + " does not exist");
        }
        ModelCard card;
        try {
            card = ModelCard.read(directory);
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(e.getMessage(), e);
        }
        if (!Files.isRegularFile(directory.resolve("saved_model.pb"))) {
            throw new ModelLoadException(directory + " has model.json but no saved_model.pb");
        }
        Criteria<Preprocessor.Prepared, float[]> criteria = Criteria.builder()
                .setTypes(Preprocessor.Prepared.class, float[].class)
                .optEngine(ENGINE)
                .optModelPath(directory)
                .optOption("Tags", "serve")
                .optOption("SignatureDefKey", card.signature())
                .optTranslator(new ProbabilityTranslator(card.outputName()))
                .build();
        try {
            ZooModel<Preprocessor.Prepared, float[]> model = criteria.loadModel();
            LOG.info("loaded model {} version {} ({}) from {} on {}", card.name(), card.version(), card.task(), directory,
                    gpuAvailable() ? "GPU" : "CPU");
            return new LoadedModel(directory, card, model);
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            throw new ModelLoadException("cannot load the SavedModel in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Whether DJL's TensorFlow engine runs on a CUDA device (it falls back to CPU silently otherwise). */
    public static boolean gpuAvailable() {
        return Engine.getEngine(ENGINE).hasCapability(StandardCapabilities.CUDA);
    }

    public ModelCard card() {
        return card;
    }

    public Path directory() {
        return directory;
    }

    public Preprocessor preprocessor() {
        return preprocessor;
    }

    public Session newSession() {
        return new Session(model.newPredictor());
    }

    @Override
    public void close() {
        model.close();
    }

    /** One thread's predictor. */
    public static final class Session implements AutoCloseable {
        private final Predictor<Preprocessor.Prepared, float[]> predictor;

        private Session(Predictor<Preprocessor.Prepared, float[]> predictor) {
            this.predictor = predictor;
        }

        /** Outputs for a batch of images of the same prepared size, in order. */
        public List<float[]> predict(List<Preprocessor.Prepared> batch) {
            try {
                return new ArrayList<>(predictor.batchPredict(batch));
            } catch (TranslateException e) {
                throw new IllegalStateException("inference failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            predictor.close();
        }
    }

    /** The model directory cannot be used. */
    public static final class ModelLoadException extends RuntimeException {
        public ModelLoadException(String message) {
            super(message);
        }

        public ModelLoadException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
