package dev.coilsight.bench.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.RunLengthEncoding;

/**
 * Kaggle RLE of 256x1600 masks: {@code real} cycles through every ground-truth mask of the Severstal
 * training labels (the densities the segmenter's output has), {@code alternating} is the worst case
 * (a run every other pixel). Throughput in mask bytes = 409,600 bytes / time per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RleBenchmark {

    @Param({"real", "alternating"})
    public String masks;

    private BinaryMask[] binary;
    private String[] encoded;
    private int next;

    @Setup
    public void setUp() {
        List<BinaryMask> list = masks.equals("real") ? JmhData.realMasks() : List.of(JmhData.alternatingMask());
        binary = list.toArray(BinaryMask[]::new);
        encoded = list.stream().map(RunLengthEncoding::encode).toArray(String[]::new);
    }

    @Benchmark
    public String encode() {
        BinaryMask mask = binary[next];
        next = (next + 1) % binary.length;
        return RunLengthEncoding.encode(mask);
    }

    @Benchmark
    public BinaryMask decode() {
        String rle = encoded[next];
        next = (next + 1) % encoded.length;
        return RunLengthEncoding.decode(rle, JmhData.HEIGHT, JmhData.WIDTH);
    }
}
