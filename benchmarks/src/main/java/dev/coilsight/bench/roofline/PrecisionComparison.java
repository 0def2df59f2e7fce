package dev.coilsight.bench.roofline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.coilsight.bench.BenchInputs;
import dev.coilsight.bench.BenchReport;
import dev.coilsight.core.image.ColorMode;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.Precision;
import dev.coilsight.core.model.Preprocessor;

/**
 * The segmenter in fp32 and in bf16 on the same images, in the same process, alternating: images/s of each, their
 * ratio per round (the median reported), and how far the bf16 probabilities are from the fp32 ones. Bare batched
 * predict on every image, one thread, decoding and pre-processing done before the clock starts.
 *
 * @param precision         what the bf16 model ran in: fp32 on a machine without bf16 instructions
 * @param fp32ImagesPerSec  median over the rounds
 * @param bf16ImagesPerSec  median over the rounds
 * @param rounds            bf16 / fp32 per round
 * @param maxDifference     largest |p_bf16 - p_fp32| over every pixel and class
 * @param flippedShare      share of pixel-class values on different sides of 0.5
 */
public record PrecisionComparison(Precision precision, double fp32ImagesPerSec, double bf16ImagesPerSec, List<Double> rounds,
                                  double maxDifference, double flippedShare) {

    public double bf16OverFp32() {
        return BenchReport.median(rounds);
    }

    /** Loads the segmenter twice and runs {@code roundCount} rounds (fp32 first in odd rounds, bf16 first in even ones). */
    public static PrecisionComparison measure(Path segmenterDir, List<Path> files, int batch, int roundCount) {
        try (LoadedModel fp32 = LoadedModel.load(segmenterDir, Precision.FP32); LoadedModel bf16 = LoadedModel.load(segmenterDir, Precision.BF16);
             LoadedModel.Session fp32Session = fp32.newSession(); LoadedModel.Session bf16Session = bf16.newSession()) {
            List<Preprocessor.Prepared> inputs = prepare(fp32, files);
            // Untimed first pass (each session's warm-up), compared batch by batch: a 1600x256 map of 4 classes is 6.5 MB.
            double max = 0;
            long flipped = 0;
            long values = 0;
            for (int i = 0; i < inputs.size(); i += batch) {
                List<Preprocessor.Prepared> part = inputs.subList(i, Math.min(inputs.size(), i + batch));
                List<float[]> a = fp32Session.predict(part);
                List<float[]> b = bf16Session.predict(part);
                for (int k = 0; k < a.size(); k++) {
                    for (int j = 0; j < a.get(k).length; j++) {
                        float p = a.get(k)[j];
                        float q = b.get(k)[j];
                        max = Math.max(max, Math.abs(p - q));
                        flipped += (p > 0.5f) != (q > 0.5f) ? 1 : 0;
                    }
                    values += a.get(k).length;
                }
            }
            List<Double> fp32Rates = new ArrayList<>();
            List<Double> bf16Rates = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int r = 1; r <= roundCount; r++) {
                double first;
                double second;
                if (r % 2 == 1) {
                    first = rate(fp32Session, inputs, batch);
                    second = rate(bf16Session, inputs, batch);
                    fp32Rates.add(first);
                    bf16Rates.add(second);
                    ratios.add(second / first);
                } else {
                    first = rate(bf16Session, inputs, batch);
                    second = rate(fp32Session, inputs, batch);
                    bf16Rates.add(first);
                    fp32Rates.add(second);
                    ratios.add(first / second);
                }
                System.err.printf("bench: precision round %d: segmenter fp32 %.2f, bf16 %.2f images/s%n", r, fp32Rates.get(r - 1), bf16Rates.get(r - 1));
            }
            return new PrecisionComparison(bf16.precision(), BenchReport.median(fp32Rates), BenchReport.median(bf16Rates), ratios, max,
                    (double) flipped / values);
        }
    }

    private static List<Preprocessor.Prepared> prepare(LoadedModel model, List<Path> files) {
        ImageDecoder decoder = new ImageDecoder();
        ColorMode mode = ColorMode.forChannels(model.card().input().channels());
        return files.stream().map(f -> model.preprocessor().prepare(decoder.decode(BenchInputs.read(f), mode))).toList();
    }

    private static double rate(LoadedModel.Session session, List<Preprocessor.Prepared> inputs, int batch) {
        long started = System.nanoTime();
        for (int i = 0; i < inputs.size(); i += batch) {
            session.predict(inputs.subList(i, Math.min(inputs.size(), i + batch)));
        }
        return inputs.size() / ((System.nanoTime() - started) / 1e9);
    }

    /** The figures for the report ({@code --json} keys). */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("segmenterPrecisionUsed", precision.toString());
        out.put("segmenterFp32ImagesPerSec", round(fp32ImagesPerSec));
        out.put("segmenterBf16ImagesPerSec", round(bf16ImagesPerSec));
        out.put("segmenterBf16OverFp32", round(bf16OverFp32()));
        out.put("segmenterBf16TargetMet", bf16OverFp32() >= 2); // judged before rounding: 1.9996 is not 2
        out.put("segmenterBf16OverFp32Rounds", rounds.stream().map(PrecisionComparison::round).toList());
        out.put("bf16MaxProbabilityDifference", round(maxDifference));
        out.put("bf16FlippedShare", Math.round(flippedShare * 1e6) / 1e6);
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
