package dev.coilsight.trainer.train;

import java.util.ArrayList;
import java.util.List;

import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyAdam;
import org.tensorflow.types.TFloat32;

/**
 * Adam as one graph op, with the step counter advanced only after every variable's update.
 *
 * <p>TF Java's own {@code Adam} advances its {@code beta1_power}/{@code beta2_power} accumulators
 * without waiting for the per-variable updates, so an update that runs late reads the next step's
 * powers: its learning rate changes by a third from run to run, and a seeded run does not repeat.
 * Variable names are the ones TF Java's optimiser gives ({@code <variable>-m}, {@code <variable>-v},
 * {@code beta1_power}, {@code beta2_power}), so checkpoints written with either restore into the other.
 */
final class AdamOptimizer {

    static final float BETA_ONE = 0.9f;
    static final float BETA_TWO = 0.999f;
    static final float EPSILON = 1e-8f;

    private AdamOptimizer() {
    }

    /** One update of each variable by its gradient at {@code rate}; gradients must be ready before any update runs. */
    static Op minimizeStep(Ops tf, Operand<TFloat32> rate, List<Output<TFloat32>> gradients, List<Output<TFloat32>> variables) {
        Ops init = tf.withInitScope();
        Variable<TFloat32> betaOnePower = tf.withName("beta1_power").variable(init.constant(BETA_ONE));
        Variable<TFloat32> betaTwoPower = tf.withName("beta2_power").variable(init.constant(BETA_TWO));
        Operand<TFloat32> betaOne = tf.constant(BETA_ONE);
        Operand<TFloat32> betaTwo = tf.constant(BETA_TWO);
        Operand<TFloat32> epsilon = tf.constant(EPSILON);
        List<Op> updates = new ArrayList<>();
        for (int i = 0; i < variables.size(); i++) {
            Output<TFloat32> variable = variables.get(i);
            String name = variable.op().name();
            Variable<TFloat32> m = tf.withName(name + "-m").variable(zeros(init, variable.shape()));
            Variable<TFloat32> v = tf.withName(name + "-v").variable(zeros(init, variable.shape()));
            updates.add(tf.train.applyAdam(variable, m, v, betaOnePower, betaTwoPower, rate, betaOne, betaTwo, epsilon,
                    gradients.get(i), ApplyAdam.useLocking(true)));
        }
        Ops afterUpdates = tf.withControlDependencies(updates);
        List<Op> step = new ArrayList<>(updates);
        step.add(afterUpdates.assign(betaOnePower, afterUpdates.math.mul(betaOnePower, betaOne)));
        step.add(afterUpdates.assign(betaTwoPower, afterUpdates.math.mul(betaTwoPower, betaTwo)));
        return tf.withControlDependencies(step).withName("Adam").noOp();
    }

    private static Operand<TFloat32> zeros(Ops init, Shape shape) {
        return init.fill(init.constant(shape.asArray()), init.constant(0f));
    }
}
