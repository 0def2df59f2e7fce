package dev.coilsight.bench.roofline;

import java.util.List;
import java.util.Random;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

import dev.coilsight.core.model.CpuFeatures;

/**
 * What this machine's cores reach on the arithmetic the models are made of: a square matrix product through the same
 * TensorFlow natives (and so oneDNN) as the models, in fp32 and in bf16, best of a few timed runs; beside the CPU's
 * model and the vector features that decide which kernels oneDNN may use.
 *
 * @param features the relevant flags of /proc/cpuinfo present ({@link CpuFeatures#FLAGS})
 */
public record MachinePeak(String cpu, List<String> features, double fp32Gflops, double bf16Gflops) {

    private static final int N = 1024;

    /** Measures for about {@code seconds} per precision. */
    public static MachinePeak measure(double seconds) {
        CpuFeatures cpu = CpuFeatures.ofThisMachine();
        return new MachinePeak(cpu.model(), cpu.features(), matmulGflops(false, seconds), matmulGflops(true, seconds));
    }

    private static double matmulGflops(boolean bf16, double seconds) {
        float[] values = new float[N * N];
        Random random = new Random(1);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat() - 0.5f;
        }
        // Placeholders, not constants: TensorFlow would fold a product of constants once, before the clock starts.
        try (Graph graph = new Graph(); TFloat32 matrix = TFloat32.tensorOf(Shape.of(N, N), DataBuffers.of(values, true, false))) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> a = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(N, N)));
            Placeholder<TFloat32> b = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(N, N)));
            Operand<? extends TNumber> product = bf16
                    ? tf.linalg.matMul(tf.dtypes.cast(a, TBfloat16.class), tf.dtypes.cast(b, TBfloat16.class))
                    : tf.linalg.matMul(a, b);
            // One number out: the transfer does not count. The sum itself is N^2 adds against 2 N^3 in the product.
            Operand<TFloat32> checksum = tf.sum(tf.dtypes.cast(product, TFloat32.class), tf.constant(new int[] {0, 1}));
            try (Session session = new Session(graph)) {
                session.runner().feed(a, matrix).feed(b, matrix).fetch(checksum).run().close(); // first run: kernels chosen, memory laid out
                double best = 0;
                for (int trial = 0; trial < 3; trial++) {
                    long start = System.nanoTime();
                    long runs = 0;
                    while (System.nanoTime() - start < seconds / 3 * 1e9 || runs < 2) {
                        session.runner().feed(a, matrix).feed(b, matrix).fetch(checksum).run().close();
                        runs++;
                    }
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    best = Math.max(best, runs * 2.0 * N * N * N / elapsed / 1e9);
                }
                return best;
            }
        }
    }
}
