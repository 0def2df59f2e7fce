package dev.coilsight.bench.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.coilsight.core.mask.Component;
import dev.coilsight.core.mask.ConnectedComponents;
import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.core.rle.Runs;

/**
 * The connected components of one 256x1600 mask, cycling through every ground-truth mask of the Severstal training
 * labels: {@code mask} labels every pixel of a decoded mask as evaluation's threshold sweep does, {@code rle} starts from the
 * Kaggle RLE of a published segmentation as coil-analytics does for every mask it places on the coil map.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ComponentsBenchmark {

    private BinaryMask[] masks;
    private String[] rles;
    private int next;

    @Setup
    public void setUp() {
        List<BinaryMask> real = JmhData.realMasks();
        masks = real.toArray(BinaryMask[]::new);
        rles = real.stream().map(RunLengthEncoding::encode).toArray(String[]::new);
    }

    @Benchmark
    public ConnectedComponents.Labelled mask() {
        BinaryMask mask = masks[next];
        next = (next + 1) % masks.length;
        return ConnectedComponents.label(mask);
    }

    @Benchmark
    public List<Component> rle() {
        String rle = rles[next];
        next = (next + 1) % rles.length;
        return ConnectedComponents.of(Runs.parse(rle, JmhData.HEIGHT, JmhData.WIDTH), JmhData.HEIGHT, JmhData.WIDTH);
    }
}
