package dev.coilsight.trainer.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.net.Layers;
import dev.coilsight.trainer.net.NetworkGraph;
import dev.coilsight.trainer.net.Networks;

/**
 * The serving graph: the network in inference mode with its batch norms folded into the convolutions before them
 * ({@link Layers.BatchNorm#FOLDED}; unless {@link Networks#foldable} says no), the sigmoid on top, no optimiser state.
 * Its variables are the training graph's, so weights move between the two (and models between runs) by name. Exported as a SavedModel with signature {@code serving_default}
 * (input {@value #INPUT}, output {@value #OUTPUT}).
 */
public final class ServingGraph extends NetworkGraph {

    public static final String SIGNATURE = "serving_default";
    public static final String INPUT = "input";
    public static final String OUTPUT = "probabilities";

    private final boolean batchNormFolded;
    private final Placeholder<TFloat32> input;
    private final Operand<TFloat32> probabilities;

    public ServingGraph(Architecture arch, Map<String, float[]> weights, int threads) {
        this(arch, weights, threads, null);
    }

    /**
     * @param pooledWindow for a windowed classifier, {height, width} of the windows it pools from one pass of its
     *     encoder over the whole image ({@link Networks#pooledWindowLogits}); null: the network as trained
     */
    public ServingGraph(Architecture arch, Map<String, float[]> weights, int threads, int[] pooledWindow) {
        this(arch, weights, threads, pooledWindow, Networks.foldable(weights));
    }

    /** @param fold whether to fold the batch norms; only where {@link Networks#foldable} (tests build unfolded graphs too) */
    ServingGraph(Architecture arch, Map<String, float[]> weights, int threads, int[] pooledWindow, boolean fold) {
        super(arch);
        if (fold && !Networks.foldable(weights)) {
            throw new IllegalArgumentException("these weights do not fold exactly: the stem's batch norm scales by a negative factor");
        }
        input = tf.withName(INPUT).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, arch.channels())));
        batchNormFolded = fold;
        Layers layers = new Layers(tf, parameters, fold ? Layers.BatchNorm.FOLDED : Layers.BatchNorm.INFERENCE);
        Operand<TFloat32> logits = pooledWindow == null ? Networks.logits(arch, layers, input)
                : Networks.pooledWindowLogits(arch, layers, input, pooledWindow[0], pooledWindow[1]);
        probabilities = tf.withName(OUTPUT).math.sigmoid(logits);
        open(threads);
        assign(weights);
    }

    /** Whether the batch norms are folded (all but never not: {@link Networks#foldable}). */
    public boolean batchNormFolded() {
        return batchNormFolded;
    }

    public float[] predict(float[] images, Shape shape) {
        return run(input, images, shape, probabilities);
    }

    /** Writes {@code saved_model.pb} and {@code variables/} into {@code dir}. */
    public void export(Path dir) throws IOException {
        export(dir, session(), input, probabilities);
    }

    /** The serving signature every Coilsight model has: {@value #INPUT} in, {@value #OUTPUT} out. */
    static void export(Path dir, Session session, Operand<TFloat32> input, Operand<TFloat32> probabilities) throws IOException {
        SavedModelBundle.exporter(dir.toString())
                .withSession(session)
                .withSignature(Signature.builder().key(SIGNATURE).input(INPUT, input).output(OUTPUT, probabilities).build())
                .export();
    }
}
