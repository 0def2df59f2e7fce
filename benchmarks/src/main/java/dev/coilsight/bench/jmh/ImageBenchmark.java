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

import dev.coilsight.bench.BenchInputs;
import dev.coilsight.core.image.ColorMode;
import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.model.ClassifierDecision;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;

/**
 * What a worker does to an image before the model: decode a real 1600x256 Severstal JPEG, then
 * pre-process it for the default segmenter (whole image) or make the default classifier's inputs (the whole image too,
 * since its version 2 pools its windows in the graph).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ImageBenchmark {

    private byte[] bytes;
    private ImageDecoder decoder;
    private Preprocessor segmenter;
    private ClassifierDecision classifier;

    @Setup
    public void setUp() throws Exception {
        bytes = JmhData.streamImage();
        decoder = new ImageDecoder();
        segmenter = new Preprocessor(ModelCard.read(BenchInputs.defaultModel("severstal-resunet")).input());
        classifier = new ClassifierDecision(ModelCard.read(BenchInputs.defaultModel("severstal-classifier")));
    }

    @Benchmark
    public DecodedImage decode() {
        return decoder.decode(bytes, ColorMode.GRAYSCALE);
    }

    @Benchmark
    public Preprocessor.Prepared decodeAndPrepareSegmenter() {
        return segmenter.prepare(decoder.decode(bytes, ColorMode.GRAYSCALE));
    }

    @Benchmark
    public List<Preprocessor.Prepared> decodeAndClassifierWindows() {
        return classifier.inputs(decoder.decode(bytes, ColorMode.GRAYSCALE));
    }
}
