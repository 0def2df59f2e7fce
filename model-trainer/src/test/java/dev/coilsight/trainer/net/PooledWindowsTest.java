package dev.coilsight.trainer.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import dev.coilsight.core.model.ClassifierDecision;
import dev.coilsight.trainer.TinyModels;
import dev.coilsight.trainer.export.ServingGraph;
import dev.coilsight.trainer.train.Loss;
import dev.coilsight.trainer.train.TrainingGraph;

/** The windows a classifier pools from one pass of its encoder are exactly those it would look at one at a time. */
class PooledWindowsTest {

    @Test
    void theMeansOverAFeatureMapAreThoseOfTheDecisionsWindowsAndNoOthers() {
        int height = 7;
        int width = 25;
        int channels = 3;
        int kh = 4;
        int kw = 6;
        float[] values = new float[height * width * channels];
        Random random = new Random(19);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        Ops tf = Ops.create();
        Operand<TFloat32> x = tf.constant(NdArrays.wrap(Shape.of(1, height, width, channels), DataBuffers.of(values, true, false)));
        List<float[]> pooled = new ArrayList<>();
        for (Operand<TFloat32> part : new Layers(tf, new Parameters(tf), false).windowMeans(x, kh, kw)) {
            TFloat32 t = part.asTensor();
            for (int r = 0; r < t.shape().get(1); r++) {
                for (int c = 0; c < t.shape().get(2); c++) {
                    float[] v = new float[channels];
                    for (int k = 0; k < channels; k++) {
                        v[k] = t.getFloat(0, r, c, k);
                    }
                    pooled.add(v);
                }
            }
        }
        List<float[]> expected = new ArrayList<>();
        for (int[] origin : ClassifierDecision.origins(height, width, kh, kw)) {
            float[] mean = new float[channels];
            for (int r = origin[0]; r < origin[0] + kh; r++) {
                for (int c = origin[1]; c < origin[1] + kw; c++) {
                    for (int k = 0; k < channels; k++) {
                        mean[k] += values[(r * width + c) * channels + k] / (kh * kw);
                    }
                }
            }
            expected.add(mean);
        }
        assertThat(expected).hasSize(3 * 8);
        for (float[] e : expected) {
            assertThat(pooled).as("window mean %s among the pooled ones", java.util.Arrays.toString(e)).anyMatch(p -> close(p, e));
        }
        for (float[] p : pooled) {
            assertThat(expected).as("pooled mean %s is a window of the decision", java.util.Arrays.toString(p)).anyMatch(e -> close(p, e));
        }
    }

    @Test
    void anImageOfOneWindowGetsTheSameProbabilityPooledAsAlone() {
        Architecture arch = TinyModels.classifier();
        Map<String, float[]> weights;
        try (TrainingGraph graph = new TrainingGraph(arch, Loss.BCE, 0.01f, Set.of(), 1)) {
            weights = graph.parameters().initialValues(5);
        }
        float[] image = new float[64 * 64];
        Random random = new Random(7);
        for (int i = 0; i < image.length; i++) {
            image[i] = random.nextFloat();
        }
        try (ServingGraph alone = new ServingGraph(arch, weights, 1); ServingGraph pooled = new ServingGraph(arch, weights, 1, new int[] {64, 64})) {
            float p = alone.predict(image, Shape.of(1, 64, 64, 1))[0];
            float q = pooled.predict(image, Shape.of(1, 64, 64, 1))[0];
            assertThat((double) q).isCloseTo(p, within(1e-5));
            // Two windows side by side, pooled: one probability for the image.
            float[] wide = new float[64 * 128];
            assertThat(pooled.predict(wide, Shape.of(1, 64, 128, 1))).hasSize(1);
        }
    }

    private static boolean close(float[] a, float[] b) {
        for (int k = 0; k < a.length; k++) {
            if (Math.abs(a[k] - b[k]) > 1e-5) {
                return false;
            }
        }
        return true;
    }
}
