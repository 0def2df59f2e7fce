package dev.coilsight.trainer.net;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * The variables of one network, by stable name, in creation order. Names are the same in the
 * training graph and the serving graph, so weights move between them (and between models, for
 * transfer learning) by name. Initial values are drawn in Java from a seeded generator, which
 * keeps a run reproducible with {@code --seed}.
 */
public final class Parameters {

    /** What a variable is for: learned by gradient descent, or a batch-norm running statistic. */
    public enum Role { TRAINABLE, RUNNING_STATISTIC }

    /** One variable and how to initialise it. */
    public record Parameter(String name, Shape shape, Role role, Init init, Variable<TFloat32> variable) {
        public int size() {
            return (int) shape.size();
        }
    }

    /** Initial value policy; a depthwise kernel's fan-in is its window alone (each filter sees one channel). */
    public enum Init { HE_NORMAL, HE_NORMAL_DEPTHWISE, ZEROS, ONES }

    private final Ops tf;
    private final String prefix;
    private final Map<String, Parameter> byName;
    private boolean reuse;

    public Parameters(Ops tf) {
        this(tf, "", new LinkedHashMap<>());
    }

    private Parameters(Ops tf, String prefix, Map<String, Parameter> byName) {
        this.tf = tf;
        this.prefix = prefix;
        this.byName = byName;
    }

    /**
     * A view for one more network in the same graph (an ensemble's member): what it creates is named {@code prefix}
     * + its own name here, and its ops live under {@code scoped}, so two networks with the same variable names coexist.
     */
    public Parameters scoped(Ops scoped, String namePrefix) {
        return new Parameters(scoped, prefix + namePrefix, byName);
    }

    public Variable<TFloat32> create(String ownName, Shape shape, Role role, Init init) {
        String name = prefix + ownName;
        if (reuse && byName.containsKey(name)) {
            return byName.get(name).variable();
        }
        if (byName.containsKey(name)) {
            throw new IllegalStateException("duplicate parameter name " + name);
        }
        Variable<TFloat32> variable = named(tf, ownName).variable(shape, TFloat32.class);
        byName.put(name, new Parameter(name, shape, role, init, variable));
        return variable;
    }

    /** From now on a name that exists returns its variable: a second tower (evaluation) shares the weights. */
    public void reuseExisting() {
        reuse = true;
    }

    /**
     * Ops that name the next op after a parameter path: slashes become dots, because TF Java's
     * optimisers derive slot names from the variable's op name and refuse slashes there.
     */
    public static Ops named(Ops tf, String path) {
        return tf.withName(path.replace('/', '.'));
    }

    public List<Parameter> all() {
        return Collections.unmodifiableList(new ArrayList<>(byName.values()));
    }

    public List<Parameter> trainable() {
        return byName.values().stream().filter(p -> p.role() == Role.TRAINABLE).toList();
    }

    public Parameter get(String name) {
        Parameter p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return p;
    }

    /** Initial values for every parameter, deterministic for a seed (He-normal for weights, fan-in from the shape). */
    public Map<String, float[]> initialValues(long seed) {
        Random random = new Random(seed);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Parameter p : byName.values()) {
            float[] v = new float[p.size()];
            switch (p.init()) {
                case ONES -> java.util.Arrays.fill(v, 1f);
                case ZEROS -> { }
                case HE_NORMAL, HE_NORMAL_DEPTHWISE -> {
                    long[] dims = p.shape().asArray();
                    long fanIn = 1;
                    for (int i = 0; i < dims.length - (p.init() == Init.HE_NORMAL_DEPTHWISE ? 2 : 1); i++) {
                        fanIn *= dims[i];
                    }
                    double std = Math.sqrt(2.0 / Math.max(1, fanIn));
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (random.nextGaussian() * std);
                    }
                }
            }
            values.put(p.name(), v);
        }
        return values;
    }
}
