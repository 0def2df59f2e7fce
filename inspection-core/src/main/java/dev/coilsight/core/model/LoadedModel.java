package dev.coilsight.core.model;

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

    private final Precision precision;

    private LoadedModel(Path directory, ModelCard card, ZooModel<Preprocessor.Prepared, float[]> model, Precision precision) {
        this.directory = directory;
        this.card = card;
        this.model = model;
        this.precision = precision;
        this.preprocessor = new Preprocessor(card.input());
    }

    /**
     * Loads fully offline (DJL would otherwise try to download an engine), in fp32.
     *
     * @throws ModelLoadException naming the directory and what is wrong
     */
    public static LoadedModel load(Path directory) {
        return load(directory, Precision.FP32);
    }

    /**
     * Loads in the given precision where this machine runs it: bf16 asked for on a GPU, or on a CPU without bf16
     * instructions, runs in fp32 and says so in the log ({@link #precision()} tells which).
     */
    public static LoadedModel load(Path directory, Precision requested) {
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
        ZooModel<Preprocessor.Prepared, float[]> model = null;
        try {
            Precision precision = runnable(requested, card);
            Criteria.Builder<Preprocessor.Prepared, float[]> criteria = Criteria.builder()
                    .setTypes(Preprocessor.Prepared.class, float[].class)
                    .optEngine(ENGINE)
                    .optModelPath(directory)
                    .optOption("Tags", "serve")
                    .optOption("SignatureDefKey", card.signature())
                    .optTranslator(new ProbabilityTranslator(card.outputName()));
            if (precision != Precision.FP32) {
                criteria.optOption("ConfigProto", precision.sessionConfig());
            }
            model = criteria.build().loadModel();
            LoadedModel loaded = new LoadedModel(directory, card, model, precision);
            LOG.info("loaded model {} version {} ({}) from {} on {} in {}", card.name(), card.version(), card.task(), directory,
                    gpuAvailable() ? "GPU" : "CPU", precision);
            return loaded;
        } catch (ModelNotFoundException | MalformedModelException | IOException | RuntimeException e) {
            if (model != null) {
                model.close();
            }
            throw new ModelLoadException("cannot load the SavedModel in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static Precision runnable(Precision requested, ModelCard card) {
        if (requested == Precision.FP32) {
            return requested;
        }
        String instead = gpuAvailable() ? "a GPU (the rewrite is oneDNN's, for CPUs)"
                : CpuFeatures.ofThisMachine().bf16() ? null : "a CPU without bf16 instructions (neither avx512_bf16 nor amx_bf16)";
        if (instead != null) {
            LOG.info("model {}: {} asked for, running fp32 on {}", card.name(), requested, instead);
            return Precision.FP32;
        }
        return requested;
    }

    /** Whether DJL's TensorFlow engine runs on a CUDA device (it falls back to CPU silently otherwise). */
    public static boolean gpuAvailable() {
        return Engine.getEngine(ENGINE).hasCapability(StandardCapabilities.CUDA);
    }

    /** The precision the model runs in (fp32 where the one asked for cannot run here). */
    public Precision precision() {
        return precision;
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

    /** A predictor that averages the flipped passes the card names. */
    public Session newSession() {
        return new Session(model.newPredictor(), card.flips(), card.segmentation());
    }

    /** A predictor that averages these flipped passes instead of the card's (to compare them before a card names them). */
    public Session newSession(TestTimeFlips flips) {
        return new Session(model.newPredictor(), flips, card.segmentation());
    }

    @Override
    public void close() {
        model.close();
    }

    /** One thread's predictor. */
    public static final class Session implements AutoCloseable {
        private final Predictor<Preprocessor.Prepared, float[]> predictor;
        private final TestTimeFlips flips;
        private final boolean maps;

        private Session(Predictor<Preprocessor.Prepared, float[]> predictor, TestTimeFlips flips, boolean maps) {
            this.predictor = predictor;
            this.flips = flips;
            this.maps = maps;
        }

        /** Outputs for a batch of images of the same prepared size, in order (each the mean of its flipped passes, if any). */
        public List<float[]> predict(List<Preprocessor.Prepared> batch) {
            return flips.none() ? once(batch) : flips.predict(batch, this::once, maps);
        }

        private List<float[]> once(List<Preprocessor.Prepared> batch) {
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
    public static final class ModelLoadException extends IllegalArgumentException {
        public ModelLoadException(String message) {
            super(message);
        }

        public ModelLoadException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
