package dev.coilsight.bench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.coilsight.bench.BenchInputs;
import dev.coilsight.core.mask.MaskPostProcessor;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.RunLengthEncoding;

/**
 * The segmenter's post-processing of one 4-class 256x1600 probability map with the default model's
 * thresholds and minimum areas: threshold, connected components, area filter, statistics, and the RLE
 * of every class kept. The map holds a real ground-truth defect of each class (probability 0.6-1.0)
 * over background noise (0-0.3), so every class survives and is encoded.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PostProcessingBenchmark {

    private MaskPostProcessor postProcessor;
    private float[] probabilities;

    @Setup
    public void setUp() {
        ModelCard card = ModelCard.read(BenchInputs.defaultModel("severstal-resunet"));
        int k = card.classes().size();
        postProcessor = new MaskPostProcessor(card.classes());
        probabilities = new float[JmhData.HEIGHT * JmhData.WIDTH * k];
        Random random = new Random(8);
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] = random.nextFloat() * 0.3f;
        }
        List<RleRow> rows = JmhData.groundTruth();
        for (int cls = 0; cls < k; cls++) {
            int classId = card.classes().get(cls).id();
            RleRow row = rows.stream().filter(r -> r.classId() == classId).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no ground truth of class " + classId));
            BinaryMask mask = RunLengthEncoding.decode(row.rle(), JmhData.HEIGHT, JmhData.WIDTH);
            for (int r = 0; r < JmhData.HEIGHT; r++) {
                for (int c = 0; c < JmhData.WIDTH; c++) {
                    if (mask.get(r, c)) {
                        probabilities[(r * JmhData.WIDTH + c) * k + cls] = 0.6f + random.nextFloat() * 0.4f;
                    }
                }
            }
        }
    }

    @Benchmark
    public List<String> thresholdComponentsRle() {
        List<MaskPostProcessor.DefectMask> masks = postProcessor.process(probabilities, JmhData.HEIGHT, JmhData.WIDTH, JmhData.HEIGHT,
                JmhData.WIDTH, false);
        List<String> rles = new ArrayList<>(masks.size());
        masks.forEach(m -> rles.add(m.rle()));
        return rles;
    }
}
