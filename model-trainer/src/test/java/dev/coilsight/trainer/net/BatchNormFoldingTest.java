package dev.coilsight.trainer.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;

import dev.coilsight.trainer.TinyModels;
import dev.coilsight.trainer.export.ServingGraph;
import dev.coilsight.trainer.train.Loss;
import dev.coilsight.trainer.train.TrainingGraph;

/** A serving graph with its batch norms folded computes what the trained network computes with them apart, from the same variables. */
class BatchNormFoldingTest {

    private static final Shape IMAGES = Shape.of(2, 32, 48, 1);

    @Test
    void aFoldedSegmenterAndClassifierPredictWhatTheTrainedNetworksPredict() {
        for (Architecture arch : new Architecture[] {TinyModels.segmenter(), TinyModels.classifier()}) {
            Map<String, float[]> weights = trainedLooking(arch, 3);
            try (ServingGraph serving = new ServingGraph(arch, weights, 1)) {
                assertThat(serving.batchNormFolded()).as(arch.kind().name()).isTrue();
                assertClose(serving.predict(images(), IMAGES), reference(arch, weights));
            }
        }
    }

    @Test
    void theFoldedGraphHoldsTheTrainingGraphsVariablesSoWeightsMoveBetweenThemByName() {
        Architecture arch = TinyModels.segmenter();
        Map<String, float[]> weights = trainedLooking(arch, 4);
        try (ServingGraph serving = new ServingGraph(arch, weights, 1)) {
            assertThat(serving.batchNormFolded()).isTrue();
            Map<String, float[]> held = serving.weights();
            assertThat(held.keySet()).isEqualTo(weights.keySet());
            held.forEach((name, values) -> assertThat(values).as(name).containsExactly(weights.get(name)));
        }
    }

    @Test
    void aStemBatchNormThatScalesByANegativeFactorStaysApartAndTheGraphStillPredictsTheSame() {
        Architecture arch = TinyModels.segmenter();
        Map<String, float[]> weights = trainedLooking(arch, 5);
        weights.get("enc/stem/bn/gamma")[1] = -0.8f;
        try (ServingGraph serving = new ServingGraph(arch, weights, 1)) {
            assertThat(serving.batchNormFolded()).isFalse();
            assertClose(serving.predict(images(), IMAGES), reference(arch, weights));
        }
    }

    private static Map<String, float[]> trainedLooking(Architecture arch, long seed) {
        return TinyModels.trainedLookingWeights(arch, seed);
    }

    /** The training graph's inference tower: batch norms as separate ops on the running statistics. */
    private static float[] reference(Architecture arch, Map<String, float[]> weights) {
        try (TrainingGraph graph = new TrainingGraph(arch, Loss.BCE, 0.01f, Set.of(), 1)) {
            graph.assign(weights);
            return graph.predict(images(), IMAGES);
        }
    }

    private static float[] images() {
        float[] values = new float[(int) IMAGES.size()];
        Random random = new Random(11);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        return values;
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("output %d", i).isCloseTo(expected[i], within(1e-5f));
        }
    }
}
