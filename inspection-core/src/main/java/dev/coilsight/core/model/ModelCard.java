package dev.coilsight.core.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * {@code model.json}: what a model directory holds and how to use it (DESIGN.md "Models").
 *
 * @param name           model name, e.g. {@code neu-resunet}
 * @param version        changes whenever the weights change; every output names it
 * @param task           {@code segmentation} or {@code classification}
 * @param signature      SavedModel signature key (serving_default)
 * @param input          input tensor and pre-processing
 * @param outputName     output tensor name (sigmoid probabilities)
 * @param classes        per output channel: class id, name and post-processing
 * @param decision       classifiers only: probability threshold and how windows make the image decision
 * @param architecture   free-form description of the network
 * @param training       the data and configuration it was trained with, and the command
 * @param metrics        figures measured on held-out data
 * @param testTimeFlips  flipped passes averaged into every prediction ({@code horizontal}, {@code vertical}); absent for one pass
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCard(String name, String version, String task, String signature, InputSpec input, String outputName,
                        List<ClassSpec> classes, Decision decision, Map<String, Object> architecture, Map<String, Object> training,
                        Map<String, Object> metrics, List<String> testTimeFlips) {

    public static final String FILE = "model.json";
    public static final String SEGMENTATION = "segmentation";
    public static final String CLASSIFICATION = "classification";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public ModelCard {
        require(name, "name");
        require(version, "version");
        require(task, "task");
        if (!task.equals(SEGMENTATION) && !task.equals(CLASSIFICATION)) {
            throw new IllegalArgumentException("model.json: task must be 'segmentation' or 'classification', got '" + task + "'");
        }
        signature = signature == null ? "serving_default" : signature;
        if (input == null) {
            throw new IllegalArgumentException("model.json: 'input' is missing");
        }
        require(outputName, "outputName");
        if (classes == null || classes.isEmpty()) {
            throw new IllegalArgumentException("model.json: 'classes' must list at least one class");
        }
        classes = List.copyOf(classes);
        if (task.equals(CLASSIFICATION) && decision == null) {
            decision = Decision.wholeImage(0.5);
        }
        try {
            TestTimeFlips parsed = TestTimeFlips.parse(testTimeFlips);
            boolean fixedOblong = input.sizePolicy().equals(InputSpec.RESIZE) && !java.util.Objects.equals(input.height(), input.width());
            // Windows pooled in the graph: a transposed image is narrower than an oblong window, and no input would pass.
            boolean oblongPooledWindows = decision != null && decision.pooledInGraph()
                    && !java.util.Objects.equals(decision.windowHeight(), decision.windowWidth());
            for (TestTimeFlips.Flip flip : parsed.flips()) {
                if (flip.transposes() && (fixedOblong || oblongPooledWindows)) {
                    throw new IllegalArgumentException(flip.label() + " swaps height and width, which " + (fixedOblong
                            ? "the fixed input size " + input.height() + "x" + input.width()
                            : "windows of " + decision.windowHeight() + "x" + decision.windowWidth() + " pooled in the graph") + " cannot take");
                }
            }
            testTimeFlips = parsed.none() ? null : parsed.labels();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model.json: 'testTimeFlips': " + e.getMessage(), e);
        }
    }

    /** A card predicting in one pass. */
    public ModelCard(String name, String version, String task, String signature, InputSpec input, String outputName,
                     List<ClassSpec> classes, Decision decision, Map<String, Object> architecture, Map<String, Object> training,
                     Map<String, Object> metrics) {
        this(name, version, task, signature, input, outputName, classes, decision, architecture, training, metrics, null);
    }

    /** The flipped passes every prediction averages (none when the card names none). */
    public TestTimeFlips flips() {
        return TestTimeFlips.parse(testTimeFlips);
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("model.json: '" + field + "' is missing");
        }
    }

    /**
     * One output channel. For a classifier there is one class, "defective". A pixel is the class where its probability
     * is above {@code threshold}: 0.5 when the card gives none (or 0), and 1 switches the class off.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ClassSpec(int id, String name, double threshold, int minArea) {
        public ClassSpec {
            if (threshold == 0) {
                threshold = 0.5;
            }
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException("model.json: class " + id + " has threshold " + threshold
                        + "; a probability threshold lies in (0, 1] (1 switches the class off)");
            }
            if (minArea < 0) {
                throw new IllegalArgumentException("model.json: class " + id + " has a negative minArea");
            }
        }
    }

    /**
     * How a classifier decides for an image: above {@code threshold}, from the whole image ({@code windowHeight} null)
     * or from its most defective window of {@code windowHeight x windowWidth} (stride half a window). The threshold
     * must be given: read as 0 when missing, it would call every image defective (below 0 calls every image so on
     * purpose, as tuning does where that is best).
     *
     * @param windowsInGraph the model takes the whole image, runs its encoder once and pools the windows itself (its
     *     output is already the most defective window's probability); otherwise each window is a model input
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Decision(@JsonProperty(required = true) double threshold, Integer windowHeight, Integer windowWidth,
                           Boolean windowsInGraph) {

        public Decision {
            if (!Double.isFinite(threshold)) {
                throw new IllegalArgumentException("model.json: decision.threshold is " + threshold + "; it must be a number");
            }
        }

        public Decision(double threshold, Integer windowHeight, Integer windowWidth) {
            this(threshold, windowHeight, windowWidth, null);
        }

        public static Decision wholeImage(double threshold) {
            return new Decision(threshold, null, null);
        }

        public boolean windowed() {
            return windowHeight != null && windowWidth != null;
        }

        /** Whether the model pools its windows itself from one pass over the whole image. */
        public boolean pooledInGraph() {
            return windowed() && Boolean.TRUE.equals(windowsInGraph);
        }

        public Decision withThreshold(double newThreshold) {
            return new Decision(newThreshold, windowHeight, windowWidth, windowsInGraph);
        }
    }

    public boolean segmentation() {
        return task.equals(SEGMENTATION);
    }

    public static ModelCard read(Path modelDir) {
        Path file = modelDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(modelDir + " has no " + FILE);
        }
        try {
            return JSON.readValue(file.toFile(), ModelCard.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not a valid model card: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the card into the model directory whole or not at all: to a file beside it, on disk, then renamed over it.
     * Running workers read the card to see whether their model changed, and a card cut short by a crash or a full disk
     * would stop every worker that starts on the model.
     */
    public void write(Path modelDir) {
        Path tmp = null;
        try {
            Files.createDirectories(modelDir);
            tmp = Files.createTempFile(modelDir, "." + FILE + "-", ".tmp");
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(this)));
                channel.force(true);
            }
            Files.move(tmp, modelDir.resolve(FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + modelDir.resolve(FILE) + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temporary file beside the card; the card itself is whole
                }
            }
        }
    }

    public ModelCard withClasses(List<ClassSpec> newClasses) {
        return new ModelCard(name, version, task, signature, input, outputName, newClasses, decision, architecture, training, metrics, testTimeFlips);
    }

    public ModelCard withMetrics(Map<String, Object> newMetrics) {
        return new ModelCard(name, version, task, signature, input, outputName, classes, decision, architecture, training, newMetrics, testTimeFlips);
    }

    public ModelCard withArchitecture(Map<String, Object> newArchitecture) {
        return new ModelCard(name, version, task, signature, input, outputName, classes, decision, newArchitecture, training, metrics, testTimeFlips);
    }

    public ModelCard withDecision(Decision newDecision) {
        return new ModelCard(name, version, task, signature, input, outputName, classes, newDecision, architecture, training, metrics, testTimeFlips);
    }

    public ModelCard withFlips(TestTimeFlips newFlips) {
        return new ModelCard(name, version, task, signature, input, outputName, classes, decision, architecture, training, metrics,
                newFlips.none() ? null : newFlips.labels());
    }
}
