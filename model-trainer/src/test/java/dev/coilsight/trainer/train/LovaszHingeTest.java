package dev.coilsight.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The Lovász hinge in the graph equals the paper's algorithm written out in Java, and is 0 for a confident perfect mask. */
class LovaszHingeTest {

    @Test
    void theGraphsLossIsThePapersAlgorithmPerClassAveraged() {
        Random random = new Random(11);
        int n = 2;
        int h = 5;
        int w = 7;
        int classes = 3;
        float[] logits = new float[n * h * w * classes];
        float[] targets = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian() * 2;
            // class 2 is absent from the batch, as a rare class often is
            targets[i] = i % classes == 2 ? 0 : random.nextFloat() < 0.3 ? 1 : 0;
        }
        double expected = 0;
        for (int c = 0; c < classes; c++) {
            expected += reference(logits, targets, c, classes) / classes;
        }

        assertThat(graphLoss(logits, targets, Shape.of(n, h, w, classes))).isCloseTo((float) expected, offset(1e-4f));
    }

    @Test
    void aConfidentPerfectMaskCostsNothingAndOneWrongPixelCostsSomething() {
        float[] targets = {1, 0, 0, 1, 1, 0, 0, 0};
        float[] logits = new float[targets.length];
        for (int i = 0; i < targets.length; i++) {
            logits[i] = targets[i] == 1 ? 5 : -5;
        }
        assertThat(graphLoss(logits, targets, Shape.of(1, 2, 4, 1))).isCloseTo(0f, offset(1e-6f));
        logits[1] = 5;
        assertThat(graphLoss(logits, targets, Shape.of(1, 2, 4, 1))).isGreaterThan(1f);
    }

    private static float graphLoss(float[] logits, float[] targets, Shape shape) {
        try (Graph graph = new Graph(); Session session = new Session(graph);
             TFloat32 x = TFloat32.tensorOf(shape, DataBuffers.of(logits, true, false));
             TFloat32 z = TFloat32.tensorOf(shape, DataBuffers.of(targets, true, false))) {
            Ops tf = Ops.create(graph);
            var xs = tf.placeholder(TFloat32.class);
            var zs = tf.placeholder(TFloat32.class);
            var loss = Loss.LOVASZ.build(tf, xs, zs);
            try (var result = session.runner().feed(xs, x).feed(zs, z).fetch(loss).run()) {
                return ((TFloat32) result.get(0)).getFloat();
            }
        }
    }

    /** lovasz_hinge_flat and lovasz_grad of Berman et al.'s reference code, for one class of NHWC arrays. */
    private static double reference(float[] logits, float[] targets, int c, int classes) {
        int pixels = logits.length / classes;
        Integer[] order = new Integer[pixels];
        double[] errors = new double[pixels];
        for (int p = 0; p < pixels; p++) {
            order[p] = p;
            double sign = 2 * targets[p * classes + c] - 1;
            errors[p] = 1 - logits[p * classes + c] * sign;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer p) -> errors[p]).reversed());
        double positives = 0;
        for (int p = 0; p < pixels; p++) {
            positives += targets[p * classes + c];
        }
        double loss = 0;
        double previous = 0;
        double truePositives = 0;
        double falsePositives = 0;
        for (int k = 0; k < pixels; k++) {
            double label = targets[order[k] * classes + c];
            truePositives += label;
            falsePositives += 1 - label;
            double jaccard = 1 - (positives - truePositives) / (positives + falsePositives);
            loss += Math.max(0, errors[order[k]]) * (jaccard - previous);
            previous = jaccard;
        }
        return loss;
    }
}
