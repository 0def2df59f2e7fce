package dev.coilsight.trainer.net;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * A TF graph + session holding one network's {@link Parameters}, with weight transfer by name.
 * Subclasses add the training tower or the serving signature.
 */
public abstract class NetworkGraph implements AutoCloseable {

    protected final Architecture architecture;
    protected final Graph graph = new Graph();
    protected final Ops tf = Ops.create(graph);
    protected final Parameters parameters = new Parameters(tf);
    private final Map<String, Placeholder<TFloat32>> assignInputs = new LinkedHashMap<>();
    private final Map<String, Op> assignOps = new LinkedHashMap<>();
    private Session session;

    protected NetworkGraph(Architecture architecture) {
        this.architecture = architecture;
    }

    public Architecture architecture() {
        return architecture;
    }

    public Parameters parameters() {
        return parameters;
    }

    /** Call after the subclass built its ops: adds one assign per variable and opens the session. */
    protected void open(int threads) {
        for (Parameters.Parameter p : parameters.all()) {
            Placeholder<TFloat32> value = Parameters.named(tf, "assign_value/" + p.name())
                    .placeholder(TFloat32.class, Placeholder.shape(p.shape()));
            assignInputs.put(p.name(), value);
            assignOps.put(p.name(), Parameters.named(tf, "assign/" + p.name()).assign(p.variable(), value));
        }
        ConfigProto.Builder config = ConfigProto.newBuilder();
        if (threads > 0) {
            config.setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(Math.min(2, threads));
        }
        session = new Session(graph, config.build());
        session.initialize();
    }

    protected Session session() {
        return session;
    }

    protected Ops tf() {
        return tf;
    }

    /** Sets the named variables (all or some of them); shapes must match. */
    public void assign(Map<String, float[]> values) {
        Session.Runner runner = session.runner();
        List<TFloat32> tensors = new java.util.ArrayList<>();
        try {
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                Parameters.Parameter p = parameters.get(e.getKey());
                if (p.size() != e.getValue().length) {
                    throw new IllegalArgumentException("parameter " + p.name() + " has shape " + p.shape()
                            + " (" + p.size() + " values) but got " + e.getValue().length + " values");
                }
                TFloat32 t = TFloat32.tensorOf(p.shape(), DataBuffers.of(e.getValue(), true, false));
                tensors.add(t);
                runner.feed(assignInputs.get(p.name()), t).addTarget(assignOps.get(p.name()));
            }
            if (!runner.isEmpty()) {
                runner.run().close();
            }
        } finally {
            tensors.forEach(TFloat32::close);
        }
    }

    /** Every variable's current value by name. */
    public Map<String, float[]> weights() {
        Map<String, float[]> values = new LinkedHashMap<>();
        List<Parameters.Parameter> all = parameters.all();
        Session.Runner runner = session.runner();
        all.forEach(p -> runner.fetch(p.variable()));
        try (var result = runner.run()) {
            for (int i = 0; i < all.size(); i++) {
                float[] v = new float[all.get(i).size()];
                ((TFloat32) result.get(i)).copyTo(DataBuffers.of(v, false, false));
                values.put(all.get(i).name(), v);
            }
        }
        return values;
    }

    /** Runs the graph on one NHWC batch and returns the fetched output flattened. */
    protected float[] run(Operand<TFloat32> input, float[] batch, Shape shape, Operand<TFloat32> output) {
        try (TFloat32 x = TFloat32.tensorOf(shape, DataBuffers.of(batch, true, false));
             var result = session.runner().feed(input, x).fetch(output).run()) {
            TFloat32 y = (TFloat32) result.get(0);
            float[] values = new float[(int) y.shape().size()];
            y.copyTo(DataBuffers.of(values, false, false));
            return values;
        }
    }

    public void saveCheckpoint(Path prefix) {
        session.save(prefix.toString());
    }

    public void restoreCheckpoint(Path prefix) {
        session.restore(prefix.toString());
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
        graph.close();
    }
}
