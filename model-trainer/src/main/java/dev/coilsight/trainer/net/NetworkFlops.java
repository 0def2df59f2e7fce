package dev.coilsight.trainer.net;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The arithmetic of one forward pass, counted from the network's own graph: the network is built for one input of a
 * fixed size, and every convolution (depthwise too) and dense layer adds 2 x (output elements) x (multiply-adds per element), as
 * TensorFlow's profiler counts them. Batch norm, activations, pooling and resizing (a few operations per element) are
 * left out: they are under 2 % of a ResUNet's.
 */
public final class NetworkFlops {

    /** Counted once per network and input size: a resizing model sees one input size for images of many sizes. */
    private static final Map<List<Object>, Double> COUNTED = new ConcurrentHashMap<>();

    private NetworkFlops() {
    }

    /** Floating-point operations of one {@code height x width} input through {@code arch}. */
    public static double forward(Architecture arch, int height, int width) {
        return COUNTED.computeIfAbsent(List.of(arch, height, width), key -> count(arch, height, width));
    }

    private static double count(Architecture arch, int height, int width) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> input = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, height, width, arch.channels())));
            Networks.logits(arch, new Layers(tf, new Parameters(tf), false), input);
            double flops = 0;
            for (Iterator<GraphOperation> ops = graph.operations(); ops.hasNext(); ) {
                GraphOperation op = ops.next();
                switch (op.type()) {
                    case "Conv2D" -> {
                        Shape out = known(op.output(0).shape(), op);
                        Shape kernel = known(op.input(1).shape(), op); // kh, kw, in, out
                        flops += 2.0 * out.get(1) * out.get(2) * out.get(3) * kernel.get(0) * kernel.get(1) * kernel.get(2);
                    }
                    case "DepthwiseConv2dNative" -> {
                        Shape out = known(op.output(0).shape(), op);
                        Shape kernel = known(op.input(1).shape(), op); // kh, kw, in, multiplier
                        flops += 2.0 * out.get(1) * out.get(2) * out.get(3) * kernel.get(0) * kernel.get(1);
                    }
                    case "MatMul" -> {
                        Shape a = known(op.input(0).shape(), op);
                        Shape b = known(op.input(1).shape(), op);
                        flops += 2.0 * a.get(0) * a.get(1) * b.get(1);
                    }
                    default -> { }
                }
            }
            return flops;
        }
    }

    private static Shape known(Shape shape, GraphOperation op) {
        if (shape.isUnknown() || shape.hasUnknownDimension()) {
            throw new IllegalStateException("the shape " + shape + " at " + op.name() + " (" + op.type() + ") is not known before running: "
                    + "cannot count its operations");
        }
        return shape;
    }
}
