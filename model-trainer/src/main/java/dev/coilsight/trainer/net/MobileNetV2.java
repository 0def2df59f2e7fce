package dev.coilsight.trainer.net;

import java.util.ArrayList;
import java.util.List;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Keras' {@code MobileNetV2(alpha=0.35, include_top=False)} as an encoder, its variables under Keras' own names behind
 * {@link Networks#ENCODER_PREFIX} ({@code enc/block_3_expand/kernel}, {@code enc/bn_Conv1/gamma}, ...), so that the
 * ImageNet weights of {@code ../shared/pretrained} load by name ({@link ImageNetBackbone}). Inputs in [0, 1] are mapped
 * to Keras' [-1, 1]; strided convolutions pad as TensorFlow's {@code SAME}, which is Keras' padding for even sizes (all
 * inputs here are multiples of 32). The skips for a U-Net decoder are the expanded activations that the strided blocks
 * start from, at strides 2, 4, 8 and 16, and the segmenter's bottleneck is the last block's output at stride 32, as in
 * TensorFlow's image-segmentation tutorial; a classifier adds Keras' last 1x1 convolution to 1280 channels.
 */
final class MobileNetV2 {

    /** Decoder stages: inputs must be multiples of 2^(DEPTH+1) = 32. */
    static final int DEPTH = 4;
    private static final double ALPHA = 0.35;
    private static final int LAST_CHANNELS = 1280;
    private static final String P = Networks.ENCODER_PREFIX;

    /** One inverted residual block: Keras' {@code _inverted_res_block(filters, stride, expansion, block_id)}. */
    private record Block(int id, int filters, int stride, int expansion) {
        String prefix() {
            return id == 0 ? "expanded_conv_" : "block_" + id + "_";
        }
    }

    private static final List<Block> BLOCKS = List.of(
            new Block(0, 16, 1, 1),
            new Block(1, 24, 2, 6), new Block(2, 24, 1, 6),
            new Block(3, 32, 2, 6), new Block(4, 32, 1, 6), new Block(5, 32, 1, 6),
            new Block(6, 64, 2, 6), new Block(7, 64, 1, 6), new Block(8, 64, 1, 6), new Block(9, 64, 1, 6),
            new Block(10, 96, 1, 6), new Block(11, 96, 1, 6), new Block(12, 96, 1, 6),
            new Block(13, 160, 2, 6), new Block(14, 160, 1, 6), new Block(15, 160, 1, 6),
            new Block(16, 320, 1, 6));

    private MobileNetV2() {
    }

    static Networks.Encoded encode(Architecture arch, Layers l, Operand<TFloat32> input) {
        Ops tf = l.tf();
        Operand<TFloat32> x = tf.math.sub(tf.math.mul(input, tf.constant(2f)), tf.constant(1f));
        int first = makeDivisible(32 * ALPHA);
        x = l.relu6(l.convBatchNorm(P + "Conv1/kernel", P + "bn_Conv1", x, 3, arch.channels(), first, 2));
        int in = first;
        List<Operand<TFloat32>> skips = new ArrayList<>();
        List<Integer> skipChannels = new ArrayList<>();
        for (Block block : BLOCKS) {
            String name = P + block.prefix();
            int expanded = in * block.expansion();
            Operand<TFloat32> y = x;
            if (block.id() > 0) {
                y = l.relu6(l.convBatchNorm(name + "expand/kernel", name + "expand_BN", y, 1, in, expanded, 1));
                if (block.stride() == 2) {
                    skips.add(y);
                    skipChannels.add(expanded);
                }
            }
            y = l.relu6(l.depthwiseBatchNorm(name + "depthwise/depthwise_kernel", name + "depthwise_BN", y, expanded, block.stride()));
            int out = makeDivisible(block.filters() * ALPHA);
            y = l.convBatchNorm(name + "project/kernel", name + "project_BN", y, 1, expanded, out, 1);
            x = in == out && block.stride() == 1 ? tf.math.add(x, y) : y;
            in = out;
        }
        if (arch.kind() == Architecture.Kind.CLASSIFIER) {
            x = l.relu6(l.convBatchNorm(P + "Conv_1/kernel", P + "Conv_1_bn", x, 1, in, LAST_CHANNELS, 1));
            in = LAST_CHANNELS;
        }
        return new Networks.Encoded(skips, skipChannels, x, in);
    }

    /** Keras' {@code _make_divisible(int(filters * alpha), 8)}: a multiple of 8, never more than 10 % below. */
    static int makeDivisible(double value) {
        int v = (int) value;
        int rounded = Math.max(8, (v + 4) / 8 * 8);
        return rounded < 0.9 * v ? rounded + 8 : rounded;
    }
}
