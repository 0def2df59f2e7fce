package dev.coilsight.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.coilsight.bench.roofline.Roofline;

/**
 * The figures of one {@code ./coilsight bench} run and the two ways they are printed: lines for a
 * person, one JSON object for scripts. Each round measures (a), (b) and (c) back to back; the ratios
 * are computed within a round (never across rounds or runs) and the headline figures are the medians
 * over the rounds, so that a burst of load from elsewhere on a shared machine moves one round only.
 *
 * @param setup           what was measured on what (models, images, batch, threads, machine), printed first
 * @param images          images per phase (images x passes)
 * @param defectiveImages of those, the ones the classifier passes on to the segmenter (bare classification)
 * @param rounds          the figures of each round
 * @param latency         capture-to-result latency with the replay paced below the pipeline's rate
 * @param latencyRate     the paced replay's rate, images/s (0 when the paced phase was skipped)
 * @param overhead        serde + broker round trip of one {@code ImageCaptured}, ms, with ingest's producer settings
 * @param roofline        the models' arithmetic and the machine's peaks; null when not measured
 */
public record BenchReport(Map<String, Object> setup, int images, int defectiveImages, List<Round> rounds, Percentiles.Summary latency,
                          double latencyRate, Percentiles.Summary overhead, Roofline roofline) {

    /** Without the roofline. */
    public BenchReport(Map<String, Object> setup, int images, int defectiveImages, List<Round> rounds, Percentiles.Summary latency,
                       double latencyRate, Percentiles.Summary overhead) {
        this(setup, images, defectiveImages, rounds, latency, latencyRate, overhead, null);
    }

    /** Target: the pipeline reaches at least this fraction of bare batched predict. */
    public static final double PIPELINE_TARGET = 0.9;
    /** Target: serde + broker round trip p50 below this, ms. */
    public static final double OVERHEAD_TARGET_MS = 5;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One round.
     *
     * @param bareImagesPerSec   bare batched predict: classifier on every image and segmenter on the defective ones, side by side
     * @param batch1ImagesPerSec the same work at one image per predict call
     * @param pipeline           the whole pipeline driven as fast as the replay can publish
     */
    public record Round(double bareImagesPerSec, double batch1ImagesPerSec, PipelineRun.Result pipeline) {
        public double pipelineOverBare() {
            return pipeline.imagesPerSec() / bareImagesPerSec;
        }

        public double batchedOverBatch1() {
            return bareImagesPerSec / batch1ImagesPerSec;
        }
    }

    public BenchReport {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one round");
        }
        rounds = List.copyOf(rounds);
    }

    public double bareImagesPerSec() {
        return median(Round::bareImagesPerSec);
    }

    public double batch1ImagesPerSec() {
        return median(Round::batch1ImagesPerSec);
    }

    public double pipelineImagesPerSec() {
        return median(r -> r.pipeline().imagesPerSec());
    }

    /** Median over the rounds of each round's own ratio. */
    public double pipelineOverBare() {
        return median(Round::pipelineOverBare);
    }

    public double batchedOverBatch1() {
        return median(Round::batchedOverBatch1);
    }

    /** The pipeline's batches over every round. */
    public BatchSizes classifierBatches() {
        return rounds.stream().map(r -> r.pipeline().classifierBatches()).reduce(BatchSizes::plus).orElseThrow();
    }

    public BatchSizes segmenterBatches() {
        return rounds.stream().map(r -> r.pipeline().segmenterBatches()).reduce(BatchSizes::plus).orElseThrow();
    }

    /** Median (the mean of the middle two for an even count). */
    public static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private double median(ToDoubleFunction<Round> figure) {
        return median(rounds.stream().map(figure::applyAsDouble).toList());
    }

    /** One JSON object; the keys of issue 8 first (medians over the rounds), then the detail. NaN is written as null. */
    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bareImagesPerSec", number(bareImagesPerSec()));
        out.put("batch1ImagesPerSec", number(batch1ImagesPerSec()));
        out.put("pipelineImagesPerSec", number(pipelineImagesPerSec()));
        out.put("pipelineOverBare", number(pipelineOverBare()));
        out.put("batchedOverBatch1", number(batchedOverBatch1()));
        if (roofline != null) {
            out.putAll(roofline.toMap(bareImagesPerSec(), defectiveShare()));
        }
        out.put("latencyP50Ms", number(latency.p50()));
        out.put("latencyP95Ms", number(latency.p95()));
        out.put("latencyP99Ms", number(latency.p99()));
        out.put("latencyMaxMs", number(latency.max()));
        out.put("latencyImages", latency.count());
        out.put("latencyReplayImagesPerSec", number(latencyRate));
        PipelineRun.Result first = rounds.get(0).pipeline();
        out.put("saturatedLatencyP50Ms", number(first.latency().p50()));
        out.put("saturatedLatencyP99Ms", number(first.latency().p99()));
        out.put("overheadP50Ms", number(overhead.p50()));
        out.put("overheadP95Ms", number(overhead.p95()));
        out.put("overheadP99Ms", number(overhead.p99()));
        out.put("images", images);
        out.put("defectiveImages", defectiveImages);
        out.put("pipelineDefectiveImages", first.defective());
        Map<String, Object> batches = new LinkedHashMap<>();
        batches.put("classifier", classifierBatches().batches());
        batches.put("segmenter", segmenterBatches().batches());
        out.put("batchSizes", batches);
        List<Map<String, Object>> perRound = new ArrayList<>();
        for (Round r : rounds) {
            Map<String, Object> round = new LinkedHashMap<>();
            round.put("bareImagesPerSec", number(r.bareImagesPerSec()));
            round.put("batch1ImagesPerSec", number(r.batch1ImagesPerSec()));
            round.put("pipelineImagesPerSec", number(r.pipeline().imagesPerSec()));
            round.put("pipelineWallImagesPerSec", number(r.pipeline().wallImagesPerSec()));
            round.put("pipelineOverBare", number(r.pipelineOverBare()));
            round.put("batchedOverBatch1", number(r.batchedOverBatch1()));
            round.put("pipelineSeconds", number(r.pipeline().seconds()));
            perRound.add(round);
        }
        out.put("rounds", perRound);
        out.put("setup", setup);
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lines a person reads: each round's phases, then the medians and ratios against their targets. */
    public List<String> toLines() {
        List<String> lines = new ArrayList<>();
        lines.add("setup: " + setup);
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            String round = "round " + (i + 1) + "  ";
            lines.add(String.format(Locale.ROOT, "%s%-50s %8.2f images/s", round, "(a) bare predict, batched", r.bareImagesPerSec()));
            lines.add(String.format(Locale.ROOT, "%s%-50s %8.2f images/s", round, "(b) bare predict, batch size 1", r.batch1ImagesPerSec()));
            lines.add(String.format(Locale.ROOT, "%s%-50s %8.2f images/s  (first to last result; %.2f images/s from the first image "
                    + "sent: %d images in %.1f s, %d defective)", round, "(c) pipeline: replay -> classifier -> segmenter", r.pipeline().imagesPerSec(),
                    r.pipeline().wallImagesPerSec(), r.pipeline().images(), r.pipeline().seconds(), r.pipeline().defective()));
            lines.add(String.format(Locale.ROOT, "%spipeline / bare batched = %.2f; batched / batch-1 = %.2f", round, r.pipelineOverBare(),
                    r.batchedOverBatch1()));
        }
        String of = rounds.size() == 1 ? "" : " (medians over " + rounds.size() + " rounds)";
        lines.add(String.format(Locale.ROOT, "bare batched %.2f, batch-1 %.2f, pipeline %.2f images/s%s", bareImagesPerSec(), batch1ImagesPerSec(),
                pipelineImagesPerSec(), of));
        lines.add(String.format(Locale.ROOT, "pipeline / bare batched = %.2f (target >= %.2f: %s); batched / batch-1 = %.2f%s",
                pipelineOverBare(), PIPELINE_TARGET, pipelineOverBare() >= PIPELINE_TARGET ? "met" : "NOT met", batchedOverBatch1(), of));
        lines.add(String.format(Locale.ROOT, "capture-to-result latency at %.2f images/s (%d images): p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms",
                latencyRate, latency.count(), latency.p50(), latency.p95(), latency.p99(), latency.max()));
        if (roofline != null) {
            lines.addAll(rooflineLines());
        }
        PipelineRun.Result first = rounds.get(0).pipeline();
        lines.add(String.format(Locale.ROOT, "  (round 1 while saturated, queueing included: p50 %.0f ms, p99 %.0f ms)", first.latency().p50(),
                first.latency().p99()));
        lines.add(String.format(Locale.ROOT, "batch sizes (size x batches): classifier %s (mean %.1f); segmenter %s (mean %.1f)",
                classifierBatches(), classifierBatches().mean(), segmenterBatches(), segmenterBatches().mean()));
        lines.add(String.format(Locale.ROOT, "streaming overhead per image (Avro serde + broker round trip, %d x ImageCaptured, ingest producer settings): "
                        + "p50 %.2f ms, p95 %.2f ms, p99 %.2f ms (target p50 < %.0f ms: %s)", overhead.count(), overhead.p50(), overhead.p95(),
                overhead.p99(), OVERHEAD_TARGET_MS, overhead.p50() < OVERHEAD_TARGET_MS ? "met" : "NOT met"));
        return lines;
    }

    private double defectiveShare() {
        return images == 0 ? 0 : (double) defectiveImages / images;
    }

    private List<String> rooflineLines() {
        Map<String, Object> r = roofline.toMap(bareImagesPerSec(), defectiveShare());
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "arithmetic: classifier %s GFLOP/image, segmenter %s GFLOP/image; bare batched does %s GFLOP/image "
                + "(%.0f %% segmented) = %s GFLOP/s", r.get("classifierGflopPerImage"), r.get("segmenterGflopPerImage"), r.get("gflopPerImage"),
                100 * defectiveShare(), r.get("bareGflopPerSec")));
        lines.add(String.format(Locale.ROOT, "machine: %s %s; matrix product %s GFLOP/s fp32, %s GFLOP/s bf16: bare batched at %s of the fp32 peak",
                r.get("cpu"), r.get("cpuFeatures"), r.get("fp32PeakGflopPerSec"), r.get("bf16PeakGflopPerSec"), r.get("bareOverFp32Peak")));
        if (r.containsKey("segmenterBf16OverFp32")) {
            lines.add(String.format(Locale.ROOT, "segmenter bf16 (ran in %s) %s images/s vs fp32 %s: bf16 / fp32 = %s (rounds %s; target >= 2: %s; "
                            + "the matrix products' bf16 / fp32 = %s); probabilities differ by at most %s, %s of pixel-class values cross 0.5",
                    r.get("segmenterPrecisionUsed"), r.get("segmenterBf16ImagesPerSec"), r.get("segmenterFp32ImagesPerSec"), r.get("segmenterBf16OverFp32"),
                    r.get("segmenterBf16OverFp32Rounds"), Boolean.TRUE.equals(r.get("segmenterBf16TargetMet")) ? "met" : "NOT met",
                    r.get("bf16PeakOverFp32Peak"), r.get("bf16MaxProbabilityDifference"), r.get("bf16FlippedShare")));
        }
        return lines;
    }

    private static Object number(double value) {
        return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : null;
    }
}
