package dev.coilsight.bench.roofline;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The bench's figures as fractions of the machine's limit: GFLOP per image of each model, the machine's measured fp32
 * and bf16 matrix-product rates, what a rate of images/s amounts to in GFLOP/s, and the segmenter in both precisions.
 *
 * @param precision the segmenter in fp32 against bf16; null when not measured
 */
public record Roofline(OptionalDouble classifierGflopPerImage, OptionalDouble segmenterGflopPerImage, MachinePeak peak,
                       PrecisionComparison precision) {

    /** GFLOP per image of the work the bench times: every image classified, the {@code defectiveShare} segmented. */
    public OptionalDouble gflopPerImage(double defectiveShare) {
        if (classifierGflopPerImage.isEmpty() || segmenterGflopPerImage.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(classifierGflopPerImage.getAsDouble() + defectiveShare * segmenterGflopPerImage.getAsDouble());
    }

    /** The figures for the report; {@code imagesPerSec} the bare batched rate, achieved GFLOP/s and its share of the fp32 peak. */
    public Map<String, Object> toMap(double imagesPerSec, double defectiveShare) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("classifierGflopPerImage", value(classifierGflopPerImage));
        out.put("segmenterGflopPerImage", value(segmenterGflopPerImage));
        OptionalDouble perImage = gflopPerImage(defectiveShare);
        out.put("gflopPerImage", value(perImage));
        Double achieved = perImage.isPresent() ? round(perImage.getAsDouble() * imagesPerSec) : null;
        out.put("bareGflopPerSec", achieved);
        out.put("fp32PeakGflopPerSec", round(peak.fp32Gflops()));
        out.put("bf16PeakGflopPerSec", round(peak.bf16Gflops()));
        out.put("bf16PeakOverFp32Peak", round(peak.bf16Gflops() / peak.fp32Gflops()));
        out.put("bareOverFp32Peak", achieved == null ? null : round(achieved / peak.fp32Gflops()));
        out.put("cpu", peak.cpu());
        out.put("cpuFeatures", peak.features());
        if (precision != null) {
            out.putAll(precision.toMap());
        }
        return out;
    }

    private static Double value(OptionalDouble d) {
        return d.isPresent() ? round(d.getAsDouble()) : null;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
