package dev.coilsight.workerruntime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.coilsight.core.model.InputSpec;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.trainer.export.ModelExporter;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.train.Loss;
import dev.coilsight.trainer.train.TrainingGraph;

/**
 * Small real models for the worker tests, exported as SavedModel + model.json exactly as training
 * exports them (weights from a seeded initialisation: the tests check plumbing and equality with
 * offline inference, not accuracy).
 */
public final class TinyModels {

    /** 1 channel (Severstal images are gray), width 4, depth 2: inputs must be multiples of 8. */
    public static final Architecture CLASSIFIER = new Architecture(Architecture.Kind.CLASSIFIER, 1, 1, 4, 2);
    public static final Architecture SEGMENTER = new Architecture(Architecture.Kind.SEGMENTER, 1, 4, 4, 2);

    private TinyModels() {
    }

    public static Map<String, float[]> weights(Architecture arch, long seed) {
        try (TrainingGraph graph = new TrainingGraph(arch, Loss.BCE, 0.01f, Set.of(), 1)) {
            return graph.parameters().initialValues(seed);
        }
    }

    /** A classifier deciding on 256x256 windows (11 per 1600x256 image) with the given threshold. */
    public static Path classifier(Path dir, String name, String version, long seed, double threshold) {
        return classifier(dir, name, version, weights(CLASSIFIER, seed), seed, threshold);
    }

    /** A classifier whose weights are NaN, as a training run that diverged leaves them: every output is NaN. */
    public static Path divergedClassifier(Path dir, String name, String version) {
        Map<String, float[]> weights = weights(CLASSIFIER, 1);
        weights.replaceAll((tensor, values) -> {
            float[] nan = new float[values.length];
            java.util.Arrays.fill(nan, Float.NaN);
            return nan;
        });
        return classifier(dir, name, version, weights, 1, 0.5);
    }

    private static Path classifier(Path dir, String name, String version, Map<String, float[]> weights, long seed, double threshold) {
        ModelCard card = new ModelCard(name, version, ModelCard.CLASSIFICATION, "serving_default",
                InputSpec.padded("input", 1, CLASSIFIER.sizeMultiple()), "probabilities",
                List.of(new ModelCard.ClassSpec(1, "defective", 0.5, 0)), new ModelCard.Decision(threshold, 256, 256),
                Map.of("type", "tiny test classifier"), Map.of("seed", seed), Map.of());
        ModelExporter.export(CLASSIFIER, weights, card, dir);
        return dir;
    }

    /** A Severstal-style segmenter (classes 1..4) on whole images padded to a multiple of {@code multiple}. */
    public static Path segmenter(Path dir, String name, String version, long seed, int multiple) {
        List<ModelCard.ClassSpec> classes = new ArrayList<>();
        for (int c = 1; c <= 4; c++) {
            classes.add(new ModelCard.ClassSpec(c, "class" + c, 0.5, 20));
        }
        ModelCard card = new ModelCard(name, version, ModelCard.SEGMENTATION, "serving_default",
                InputSpec.padded("input", 1, multiple), "probabilities", classes, null,
                Map.of("type", "tiny test segmenter"), Map.of("seed", seed), Map.of());
        ModelExporter.export(SEGMENTER, weights(SEGMENTER, seed), card, dir);
        return dir;
    }
}
