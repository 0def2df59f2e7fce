package dev.coilsight.trainer.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.net.Layers;
import dev.coilsight.trainer.net.NetworkGraph;
import dev.coilsight.trainer.net.Networks;
import dev.coilsight.trainer.net.Parameters;

/**
 * The training graph: a training tower (batch statistics, loss, Adam on the trainable,
 * non-frozen variables) and an evaluation tower sharing its weights (running statistics),
 * used for validation exactly as the exported model will compute.
 */
public final class TrainingGraph extends NetworkGraph {

    private final Placeholder<TFloat32> input;
    private final Placeholder<TFloat32> target;
    private final Operand<TFloat32> learningRate;
    private final Operand<TFloat32> loss;
    private final Operand<TFloat32> evalLoss;
    private final Operand<TFloat32> evalProbabilities;
    private final Op applyGradients;
    private final List<Op> runningStatisticUpdates;
    private final int trainableCount;

    /**
     * @param frozenPrefixes variables whose name starts with one of these are not trained
     *                       (transfer strategy "frozen encoder")
     */
    public TrainingGraph(Architecture arch, Loss lossKind, float learningRate, Set<String> frozenPrefixes, int threads) {
        super(arch);
        input = tf.withName("input").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, arch.channels())));
        Shape targetShape = arch.kind() == Architecture.Kind.SEGMENTER
                ? Shape.of(-1, -1, -1, arch.classes()) : Shape.of(-1, arch.classes());
        target = tf.withName("target").placeholder(TFloat32.class, Placeholder.shape(targetShape));

        Layers training = new Layers(tf, parameters, true);
        frozenPrefixes.forEach(training::freezingBatchNorm);
        Operand<TFloat32> logits = Networks.logits(arch, training, input);
        loss = lossKind.build(tf, logits, target);
        runningStatisticUpdates = List.copyOf(training.runningStatisticUpdates());

        // Gradients only w.r.t. trainable variables: Optimizer.minimize() would also try the
        // batch-norm running averages and fail.
        List<Parameters.Parameter> trainable = parameters.trainable().stream()
                .filter(p -> frozenPrefixes.stream().noneMatch(prefix -> p.name().startsWith(prefix)))
                .toList();
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("every variable is frozen; nothing to train");
        }
        trainableCount = trainable.size();
        Output<?>[] variables = trainable.stream().map(p -> p.variable().asOutput()).toArray(Output<?>[]::new);
        Output<?>[] gradients = graph.addGradients(loss.asOutput(), variables);
        // Variables are updated in place: without this barrier an update could land while the
        // backward pass still reads that weight for a lower layer's gradient. Every update waits
        // until every gradient is computed.
        Ops afterAllGradients = tf.withControlDependencyOps(Arrays.stream(gradients).map(Output::op).toList());
        List<Output<TFloat32>> ready = new ArrayList<>();
        for (Output<?> gradient : gradients) {
            ready.add(afterAllGradients.identity(floats(gradient)).asOutput());
        }
        // Fed per step by a schedule; a step without it trains at the rate the graph was built with.
        this.learningRate = tf.withName("learning_rate").placeholderWithDefault(tf.constant(learningRate), Shape.scalar());
        applyGradients = AdamOptimizer.minimizeStep(tf, this.learningRate, ready, Arrays.stream(variables).map(TrainingGraph::floats).toList());

        parameters.reuseExisting();
        Operand<TFloat32> evalLogits = Networks.logits(arch, new Layers(tf, parameters, false), input);
        evalProbabilities = tf.math.sigmoid(evalLogits);
        evalLoss = lossKind.build(tf, evalLogits, target);
        open(threads);
    }

    @SuppressWarnings("unchecked")
    private static Output<TFloat32> floats(Output<?> output) {
        return (Output<TFloat32>) output;
    }

    public int trainableVariableCount() {
        return trainableCount;
    }

    /** One optimiser step on a batch at the graph's learning rate; returns the batch's training loss (before the step). */
    public float step(Batch batch) {
        try (TFloat32 x = batch.inputTensor(); TFloat32 y = batch.targetTensor()) {
            return step(session().runner().feed(input, x).feed(target, y));
        }
    }

    /** One optimiser step on a batch at {@code rate}; returns the batch's training loss (before the step). */
    public float step(Batch batch, float rate) {
        try (TFloat32 x = batch.inputTensor(); TFloat32 y = batch.targetTensor(); TFloat32 r = TFloat32.scalarOf(rate)) {
            return step(session().runner().feed(input, x).feed(target, y).feed(learningRate, r));
        }
    }

    private float step(Session.Runner fed) {
        var runner = fed.fetch(loss).addTarget(applyGradients);
        runningStatisticUpdates.forEach(runner::addTarget);
        try (var result = runner.run()) {
            return ((TFloat32) result.get(0)).getFloat();
        }
    }

    /** Loss of the evaluation tower on a batch (no update). */
    public float evaluationLoss(Batch batch) {
        try (TFloat32 x = batch.inputTensor(); TFloat32 y = batch.targetTensor();
             var result = session().runner().feed(input, x).feed(target, y).fetch(evalLoss).run()) {
            return ((TFloat32) result.get(0)).getFloat();
        }
    }

    /** Adam's moment estimate {@code "m"} or {@code "v"} of a trained parameter, flattened. */
    float[] adamMoment(String parameter, String moment) {
        try (var result = session().runner().fetch(parameters.get(parameter).variable().op().name() + "-" + moment).run()) {
            TFloat32 t = (TFloat32) result.get(0);
            float[] values = new float[(int) t.shape().size()];
            t.copyTo(DataBuffers.of(values, false, false));
            return values;
        }
    }

    /** Sigmoid outputs of the evaluation tower, flattened NHWC (or [N, classes]). */
    public float[] predict(float[] images, Shape shape) {
        return run(input, images, shape, evalProbabilities);
    }

    /** A batch ready to feed: inputs NHWC and targets of the output's shape. */
    public record Batch(float[] inputs, Shape inputShape, float[] targets, Shape targetShape) {
        TFloat32 inputTensor() {
            return TFloat32.tensorOf(inputShape, DataBuffers.of(inputs, true, false));
        }

        TFloat32 targetTensor() {
            return TFloat32.tensorOf(targetShape, DataBuffers.of(targets, true, false));
        }

        public int size() {
            return (int) inputShape.get(0);
        }
    }
}
