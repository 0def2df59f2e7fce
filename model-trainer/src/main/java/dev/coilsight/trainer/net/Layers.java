package dev.coilsight.trainer.net;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import dev.coilsight.trainer.net.Parameters.Init;
import dev.coilsight.trainer.net.Parameters.Role;

/**
 * The building blocks of both networks (NHWC, float32). One instance builds one graph in one {@link BatchNorm} mode.
 */
public final class Layers {

    /** How batch norm runs in the graph being built. */
    public enum BatchNorm {
        /** Batch statistics, running averages updated with every step. */
        TRAINING,
        /** The running averages, nothing updated. */
        INFERENCE,
        /**
         * Inference, with every batch norm that directly follows a convolution folded into that convolution's kernel and
         * bias, computed in the graph from the same variables: TensorFlow's fp32 CPU path fuses them at run time, its
         * bf16 path does not (and its bf16 batch norm on narrow layers is a slow reference kernel). The stem's batch
         * norm, after a ReLU, becomes a scale and shift after the pooling that follows it.
         */
        FOLDED
    }

    static final float BN_EPSILON = 1e-3f;
    private static final float BN_MOMENTUM = 0.99f;

    private final Ops tf;
    private final Parameters parameters;
    private final BatchNorm batchNorm;
    private final List<Op> runningStatisticUpdates = new ArrayList<>();
    private final List<String> frozenPrefixes = new ArrayList<>();

    public Layers(Ops tf, Parameters parameters, boolean training) {
        this(tf, parameters, training ? BatchNorm.TRAINING : BatchNorm.INFERENCE);
    }

    public Layers(Ops tf, Parameters parameters, BatchNorm batchNorm) {
        this.tf = tf;
        this.parameters = parameters;
        this.batchNorm = batchNorm;
    }

    public Ops tf() {
        return tf;
    }

    /**
     * Batch norms whose variables start with {@code prefix} run on their running averages even while training, and
     * leave them as they are: a frozen layer must compute in training what it will compute when served (as Keras
     * runs a frozen layer), and a small batch of steel images must not overwrite an ImageNet encoder's statistics.
     */
    public Layers freezingBatchNorm(String prefix) {
        frozenPrefixes.add(prefix);
        return this;
    }

    private boolean frozen(String name) {
        return frozenPrefixes.stream().anyMatch(name::startsWith);
    }

    /** Batch-norm moving-average assignments to run with every training step. */
    public List<Op> runningStatisticUpdates() {
        return runningStatisticUpdates;
    }

    public Operand<TFloat32> conv(String name, Operand<TFloat32> x, int kernel, int in, int out, boolean bias) {
        Variable<TFloat32> w = parameters.create(name + "/w", Shape.of(kernel, kernel, in, out), Role.TRAINABLE, Init.HE_NORMAL);
        Operand<TFloat32> y = tf.nn.conv2d(x, w, List.of(1L, 1L, 1L, 1L), "SAME");
        if (bias) {
            Variable<TFloat32> b = parameters.create(name + "/b", Shape.of(out), Role.TRAINABLE, Init.ZEROS);
            y = tf.nn.biasAdd(y, b);
        }
        return y;
    }

    public Operand<TFloat32> batchNorm(String name, Operand<TFloat32> x, int channels) {
        BatchNormVariables v = batchNormVariables(name, channels);
        if (batchNorm != BatchNorm.TRAINING || frozen(name)) {
            return tf.nn.fusedBatchNorm(x, v.gamma(), v.beta(), v.mean(), v.variance(),
                    FusedBatchNorm.epsilon(BN_EPSILON), FusedBatchNorm.isTraining(false)).y();
        }
        Operand<TFloat32> empty = tf.constant(new float[0]);
        FusedBatchNorm<TFloat32, TFloat32> bn = tf.nn.fusedBatchNorm(x, v.gamma(), v.beta(), empty, empty,
                FusedBatchNorm.epsilon(BN_EPSILON), FusedBatchNorm.isTraining(true));
        runningStatisticUpdates.add(tf.assign(v.mean(), movingAverage(v.mean(), bn.batchMean())));
        runningStatisticUpdates.add(tf.assign(v.variance(), movingAverage(v.variance(), bn.batchVariance())));
        return bn.y();
    }

    private record BatchNormVariables(Variable<TFloat32> gamma, Variable<TFloat32> beta, Variable<TFloat32> mean, Variable<TFloat32> variance) {
    }

    /** The variables of batch norm {@code name}, under the same names in every mode. */
    private BatchNormVariables batchNormVariables(String name, int channels) {
        return new BatchNormVariables(
                parameters.create(name + "/gamma", Shape.of(channels), Role.TRAINABLE, Init.ONES),
                parameters.create(name + "/beta", Shape.of(channels), Role.TRAINABLE, Init.ZEROS),
                parameters.create(name + "/moving_mean", Shape.of(channels), Role.RUNNING_STATISTIC, Init.ZEROS),
                parameters.create(name + "/moving_variance", Shape.of(channels), Role.RUNNING_STATISTIC, Init.ONES));
    }

    private Operand<TFloat32> movingAverage(Operand<TFloat32> current, Operand<TFloat32> batch) {
        return tf.math.add(tf.math.mul(current, tf.constant(BN_MOMENTUM)),
                tf.math.mul(tf.stopGradient(batch), tf.constant(1 - BN_MOMENTUM)));
    }

    public Operand<TFloat32> relu(Operand<TFloat32> x) {
        return tf.nn.relu(x);
    }

    public Operand<TFloat32> relu6(Operand<TFloat32> x) {
        return tf.nn.relu6(x);
    }

    /**
     * A bias-free convolution and the batch norm on its output; in mode {@link BatchNorm#FOLDED} one convolution whose
     * kernel and bias are computed in the graph from the same variables: {@code w * s} and {@code beta - mean * s} with
     * {@code s = gamma / sqrt(variance + eps)}.
     */
    public Operand<TFloat32> convBatchNorm(String convName, String bnName, Operand<TFloat32> x, int kernel, int in, int out) {
        return convBatchNorm(convName + "/w", bnName, x, kernel, in, out, 1);
    }

    /** {@link #convBatchNorm(String, String, Operand, int, int, int)} with the kernel variable named in full, at a stride. */
    public Operand<TFloat32> convBatchNorm(String kernelName, String bnName, Operand<TFloat32> x, int kernel, int in, int out, int stride) {
        Variable<TFloat32> w = parameters.create(kernelName, Shape.of(kernel, kernel, in, out), Role.TRAINABLE, Init.HE_NORMAL);
        List<Long> strides = List.of(1L, (long) stride, (long) stride, 1L);
        if (batchNorm != BatchNorm.FOLDED) {
            return batchNorm(bnName, tf.nn.conv2d(x, w, strides, "SAME"), out);
        }
        Affine affine = batchNormAffine(bnName, out);
        return tf.nn.biasAdd(tf.nn.conv2d(x, tf.math.mul(w, affine.scale()), strides, "SAME"), affine.shift());
    }

    /**
     * A 3x3 depthwise convolution (one filter per channel, kernel variable {@code kernelName} of shape [3,3,C,1]) at a
     * stride, then batch norm; folded like {@link #convBatchNorm}, the scale applied per input channel of the kernel.
     */
    public Operand<TFloat32> depthwiseBatchNorm(String kernelName, String bnName, Operand<TFloat32> x, int channels, int stride) {
        Variable<TFloat32> w = parameters.create(kernelName, Shape.of(3, 3, channels, 1), Role.TRAINABLE, Init.HE_NORMAL_DEPTHWISE);
        List<Long> strides = List.of(1L, (long) stride, (long) stride, 1L);
        if (batchNorm != BatchNorm.FOLDED) {
            return batchNorm(bnName, tf.nn.depthwiseConv2dNative(x, w, strides, "SAME"), channels);
        }
        Affine affine = batchNormAffine(bnName, channels);
        Operand<TFloat32> folded = tf.math.mul(w, tf.reshape(affine.scale(), tf.constant(new long[] {channels, 1})));
        return tf.nn.biasAdd(tf.nn.depthwiseConv2dNative(x, folded, strides, "SAME"), affine.shift());
    }

    /** A batch norm in inference as {@code x * scale + shift} per channel. */
    private record Affine(Operand<TFloat32> scale, Operand<TFloat32> shift) {
    }

    /** Batch norm {@code name} in inference as a scale and shift computed from its variables. */
    private Affine batchNormAffine(String name, int channels) {
        BatchNormVariables v = batchNormVariables(name, channels);
        Operand<TFloat32> scale = tf.math.mul(v.gamma(), tf.math.rsqrt(tf.math.add(v.variance(), tf.constant(BN_EPSILON))));
        return new Affine(scale, tf.math.sub(v.beta(), tf.math.mul(v.mean(), scale)));
    }

    /**
     * The first block, 3x3 conv + ReLU + batch norm, then 2x2 max-pooling. Folded, the batch norm (after the ReLU, so
     * not foldable into the convolution) becomes a per-channel scale and shift after the pooling, on a quarter of the
     * values: the same result as long as no scale is negative ({@link Networks#foldable}).
     */
    public Operand<TFloat32> stemPooled(String name, Operand<TFloat32> x, int in, int out) {
        Operand<TFloat32> activated = relu(conv(name + "/conv", x, 3, in, out, true));
        if (batchNorm != BatchNorm.FOLDED) {
            return maxPool2(batchNorm(name + "/bn", activated, out));
        }
        Affine affine = batchNormAffine(name + "/bn", out);
        return tf.nn.biasAdd(tf.math.mul(maxPool2(activated), affine.scale()), affine.shift());
    }

    /**
     * Residual block: conv-BN-ReLU-conv-BN plus the shortcut (a 1x1 projection when the width
     * changes), then ReLU.
     */
    public Operand<TFloat32> residual(String name, Operand<TFloat32> x, int in, int out) {
        Operand<TFloat32> y = relu(convBatchNorm(name + "/conv1", name + "/bn1", x, 3, in, out));
        y = convBatchNorm(name + "/conv2", name + "/bn2", y, 3, out, out);
        Operand<TFloat32> shortcut = in == out ? x : convBatchNorm(name + "/proj", name + "/proj_bn", x, 1, in, out);
        return relu(tf.math.add(y, shortcut));
    }

    public Operand<TFloat32> maxPool2(Operand<TFloat32> x) {
        return tf.nn.maxPool(x, tf.constant(new int[] {1, 2, 2, 1}), tf.constant(new int[] {1, 2, 2, 1}), "VALID");
    }

    /** 2x2 nearest-neighbour up-sampling (Keras UpSampling2D); works for any input size. */
    public Operand<TFloat32> upSample2(Operand<TFloat32> x) {
        Operand<TInt32> hw = tf.slice(tf.shape(x), tf.constant(new int[] {1}), tf.constant(new int[] {2}));
        return tf.image.resizeNearestNeighbor(x, tf.math.mul(hw, tf.constant(new int[] {2, 2})));
    }

    @SafeVarargs
    public final Operand<TFloat32> concatChannels(Operand<TFloat32>... parts) {
        return tf.concat(Arrays.asList(parts), tf.constant(3));
    }

    /** Mean over height and width: [N,H,W,C] to [N,C]. */
    public Operand<TFloat32> globalAveragePool(Operand<TFloat32> x) {
        return tf.math.mean(x, tf.constant(new int[] {1, 2}));
    }

    /**
     * The dense layer {@code name} applied at every cell of grids of feature vectors (each [N,R,C,in] to [N,R,C,out]):
     * the same variables as {@link #dense}, its kernel used as a 1x1 convolution.
     */
    public List<Operand<TFloat32>> denseOverGrids(String name, List<Operand<TFloat32>> grids, int in, int out) {
        Variable<TFloat32> w = parameters.create(name + "/w", Shape.of(in, out), Role.TRAINABLE, Init.HE_NORMAL);
        Variable<TFloat32> b = parameters.create(name + "/b", Shape.of(out), Role.TRAINABLE, Init.ZEROS);
        Operand<TFloat32> kernel = tf.reshape(w, tf.constant(new long[] {1, 1, in, out}));
        List<Operand<TFloat32>> outputs = new ArrayList<>();
        for (Operand<TFloat32> x : grids) {
            outputs.add(tf.nn.biasAdd(tf.nn.conv2d(x, kernel, List.of(1L, 1L, 1L, 1L), "VALID"), b));
        }
        return outputs;
    }

    /**
     * Means over windows of {@code kh x kw} cells at a stride of half a window, the last window of each axis flush with
     * its end: [N,H,W,C] to [N,R,C',C] per part. The windows are those of {@code ClassifierDecision.origins}: the
     * forward grid, plus the windows ending at the bottom edge, at the right edge, and at the corner (read from the
     * tensor reversed along those axes); where the grid already ends at an edge, those repeat a window, which no
     * maximum minds.
     */
    public List<Operand<TFloat32>> windowMeans(Operand<TFloat32> x, int kh, int kw) {
        Operand<TFloat32> grid = windowMean(x, kh, kw);
        Operand<TFloat32> bottom = firstRow(windowMean(tf.reverse(x, tf.constant(new int[] {1})), kh, kw), 1);
        Operand<TFloat32> right = firstRow(windowMean(tf.reverse(x, tf.constant(new int[] {2})), kh, kw), 2);
        Operand<TFloat32> corner = firstRow(firstRow(windowMean(tf.reverse(x, tf.constant(new int[] {1, 2})), kh, kw), 1), 2);
        return List.of(grid, bottom, right, corner);
    }

    private Operand<TFloat32> windowMean(Operand<TFloat32> x, int kh, int kw) {
        return tf.nn.avgPool(x, List.of(1L, (long) kh, (long) kw, 1L), List.of(1L, (long) Math.max(1, kh / 2), (long) Math.max(1, kw / 2), 1L),
                "VALID");
    }

    /** The first entry along {@code axis} (1 or 2) of an NHWC tensor, keeping the axis. */
    private Operand<TFloat32> firstRow(Operand<TFloat32> x, int axis) {
        int[] size = {-1, -1, -1, -1};
        size[axis] = 1;
        return tf.slice(x, tf.constant(new int[] {0, 0, 0, 0}), tf.constant(size));
    }

    public Operand<TFloat32> dense(String name, Operand<TFloat32> x, int in, int out) {
        Variable<TFloat32> w = parameters.create(name + "/w", Shape.of(in, out), Role.TRAINABLE, Init.HE_NORMAL);
        Variable<TFloat32> b = parameters.create(name + "/b", Shape.of(out), Role.TRAINABLE, Init.ZEROS);
        return tf.nn.biasAdd(tf.linalg.matMul(x, w), b);
    }
}
