package dev.coilsight.trainer.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.net.Layers;
import dev.coilsight.trainer.net.NetworkGraph;
import dev.coilsight.trainer.net.Networks;

/**
 * Several trained networks in one serving graph that averages their probabilities: one SavedModel, so the workers,
 * {@code evaluate} and the bench serve an ensemble as any other model. Member {@code i}'s variables are named
 * {@code member<i>/} + its own names and its ops live under that scope; each member's batch norms are folded where
 * its weights allow ({@link Networks#foldable}). Every member reads the same input, prepared as the ensemble's card says.
 */
public final class EnsembleGraph extends NetworkGraph {

    /** One trained network: its shape and its weights by name. */
    public record Member(Architecture architecture, Map<String, float[]> weights) {
    }

    private final Placeholder<TFloat32> input;
    private final Operand<TFloat32> probabilities;
    private final boolean allFolded;

    public EnsembleGraph(List<Member> members, int threads) {
        super(members.get(0).architecture());
        if (members.size() < 2) {
            throw new IllegalArgumentException("an ensemble needs at least two models, got " + members.size());
        }
        input = tf.withName(ServingGraph.INPUT).placeholder(TFloat32.class,
                Placeholder.shape(Shape.of(-1, -1, -1, members.get(0).architecture().channels())));
        Operand<TFloat32> sum = null;
        Map<String, float[]> weights = new LinkedHashMap<>();
        boolean folded = true;
        for (int i = 0; i < members.size(); i++) {
            Member member = members.get(i);
            String scope = scope(i);
            Ops memberOps = tf.withSubScope(scope);
            boolean fold = Networks.foldable(member.weights());
            folded &= fold;
            Layers layers = new Layers(memberOps, parameters.scoped(memberOps, scope + "/"),
                    fold ? Layers.BatchNorm.FOLDED : Layers.BatchNorm.INFERENCE);
            Operand<TFloat32> memberProbabilities = memberOps.math.sigmoid(Networks.logits(member.architecture(), layers, input));
            sum = sum == null ? memberProbabilities : tf.math.add(sum, memberProbabilities);
            member.weights().forEach((name, values) -> weights.put(scope + "/" + name, values));
        }
        probabilities = tf.withName(ServingGraph.OUTPUT).math.div(sum, tf.constant((float) members.size()));
        allFolded = folded;
        open(threads);
        assign(weights);
    }

    /** The scope (and variable-name prefix) of member {@code index}. */
    public static String scope(int index) {
        return "member" + index;
    }

    /** Whether every member's batch norms are folded. */
    public boolean batchNormFolded() {
        return allFolded;
    }

    /** Writes {@code saved_model.pb} and {@code variables/} into {@code dir}, with the signature of every Coilsight model. */
    public void export(Path dir) throws IOException {
        ServingGraph.export(dir, session(), input, probabilities);
    }
}
