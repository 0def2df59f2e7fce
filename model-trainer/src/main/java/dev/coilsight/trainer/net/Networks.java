package dev.coilsight.trainer.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.tensorflow.op.Ops;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The two networks (DESIGN.md, "Models"), sharing one encoder so that a classifier can start from
 * a segmenter's encoder: the project's residual encoder or the ImageNet MobileNetV2 ({@link MobileNetV2}).
 * Every encoder variable is named {@code enc/...}; that prefix is what transfer learning copies and freezes.
 */
public final class Networks {

    public static final String ENCODER_PREFIX = "enc/";
    private static final String STEM = ENCODER_PREFIX + "stem";

    private Networks() {
    }

    /** Logits of the network: [N,H,W,classes] for a segmenter, [N,1] for a classifier. */
    public static Operand<TFloat32> logits(Architecture arch, Layers l, Operand<TFloat32> input) {
        Encoded encoded = encode(arch, l, input);
        return arch.kind() == Architecture.Kind.SEGMENTER ? decode(arch, l, encoded) : classify(arch, l, encoded);
    }

    /** What a decoder or a classifier head starts from: the skips from shallow to deep, and the bottleneck. */
    record Encoded(List<Operand<TFloat32>> skips, List<Integer> skipChannels, Operand<TFloat32> bottleneck, int bottleneckChannels) {
    }

    /**
     * Whether a serving graph with folded batch norms ({@link Layers.BatchNorm#FOLDED}) computes exactly what these
     * weights compute with them apart: the stem's batch norm moves behind a max-pooling, which holds for scales that
     * are not negative (the pooling would pick the other extreme). Trained weights all but never have one.
     */
    public static boolean foldable(Map<String, float[]> weights) {
        for (float gamma : weights.getOrDefault(STEM + "/bn/gamma", new float[0])) {
            if (gamma < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * First block (3x3 conv + ReLU + BN) and max-pooling, then {@code depth} residual blocks each
     * followed by max-pooling (their outputs before pooling are the skips), then the bottleneck
     * residual block.
     */
    private static Encoded encode(Architecture arch, Layers l, Operand<TFloat32> input) {
        if (arch.encoder() == Architecture.Encoder.MOBILENETV2_035) {
            return MobileNetV2.encode(arch, l, input);
        }
        Operand<TFloat32> x = l.stemPooled(STEM, input, arch.channels(), arch.filters(0));
        List<Operand<TFloat32>> skips = new ArrayList<>();
        List<Integer> skipChannels = new ArrayList<>();
        int in = arch.filters(0);
        for (int stage = 1; stage <= arch.depth(); stage++) {
            int out = arch.filters(stage);
            x = l.residual("enc/res" + stage, x, in, out);
            skips.add(x);
            skipChannels.add(out);
            x = l.maxPool2(x);
            in = out;
        }
        x = l.residual("enc/bottleneck", x, in, arch.bottleneckFilters());
        return new Encoded(skips, skipChannels, x, arch.bottleneckFilters());
    }

    /**
     * Up-sample the bottleneck, then per stage from deep to shallow: concatenate the skip, a
     * residual block to the stage's filters, 2x2 up-sampling; then a final residual block and a 1x1 convolution.
     */
    private static Operand<TFloat32> decode(Architecture arch, Layers l, Encoded encoded) {
        Operand<TFloat32> x = l.upSample2(encoded.bottleneck());
        int in = encoded.bottleneckChannels();
        for (int stage = arch.depth(); stage >= 1; stage--) {
            int filters = arch.filters(stage);
            x = l.concatChannels(x, encoded.skips().get(stage - 1));
            x = l.residual("dec/res" + stage, x, in + encoded.skipChannels().get(stage - 1), filters);
            x = l.upSample2(x);
            in = filters;
        }
        x = l.residual("dec/final", x, in, arch.filters(0));
        return l.conv("head/conv1x1", x, 1, arch.filters(0), arch.classes(), true);
    }

    /**
     * A classifier's logit for a whole image from one pass of its encoder: the bottleneck's mean over each window of
     * {@code windowHeight x windowWidth} pixels (the windows the classifier was trained on, at a stride of half a
     * window, the last flush with the edge), the dense layer on each, and the largest: [N,1]. The same decisions as
     * running each window alone but for what a window's cells see beyond its edge, at about half the arithmetic for
     * windows overlapping by half. The window sides must be even multiples of {@link Architecture#sizeMultiple}, so
     * that half a window is whole cells.
     */
    public static Operand<TFloat32> pooledWindowLogits(Architecture arch, Layers l, Operand<TFloat32> input, int windowHeight, int windowWidth) {
        if (arch.kind() != Architecture.Kind.CLASSIFIER || arch.classes() != 1) {
            throw new IllegalArgumentException("windows pool into one decision only for a one-output classifier");
        }
        int cell = arch.sizeMultiple();
        if (windowHeight % arch.sizeMultiple() != 0 || windowWidth % arch.sizeMultiple() != 0) {
            throw new IllegalArgumentException("windows of " + windowWidth + "x" + windowHeight + " are not multiples of " + arch.sizeMultiple());
        }
        if ((windowHeight / cell) % 2 != 0 || (windowWidth / cell) % 2 != 0) {
            // The decision steps half a window; pooled cells can only step whole cells, half a window only for an even count.
            throw new IllegalArgumentException("windows of " + windowWidth + "x" + windowHeight + " are an odd number of the network's "
                    + cell + "-pixel cells: pooled, they would not be the windows of the decision, which steps half a window");
        }
        Ops tf = l.tf();
        Encoded encoded = encode(arch, l, input);
        List<Operand<TFloat32>> maxima = new ArrayList<>();
        List<Operand<TFloat32>> windows = l.windowMeans(encoded.bottleneck(), windowHeight / cell, windowWidth / cell);
        for (Operand<TFloat32> logits : l.denseOverGrids("head/dense", windows, encoded.bottleneckChannels(), 1)) {
            maxima.add(tf.max(logits, tf.constant(new int[] {1, 2, 3})));
        }
        return tf.reshape(tf.max(tf.stack(maxima, org.tensorflow.op.core.Stack.axis(1L)), tf.constant(1)), tf.constant(new long[] {-1, 1}));
    }

    /** Global average pooling of the bottleneck and one dense layer. */
    private static Operand<TFloat32> classify(Architecture arch, Layers l, Encoded encoded) {
        return l.dense("head/dense", l.globalAveragePool(encoded.bottleneck()), encoded.bottleneckChannels(), arch.classes());
    }
}
