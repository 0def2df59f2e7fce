package dev.coilsight.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The figures of one {@code ./coilsight bench} run and the two ways they are printed: lines for a
 * person, one JSON object for scripts. The ratios are computed here from the figures of the same run,
 * never taken from elsewhere.
 *
 * @param setup              what was measured on what (models, images, batch, threads, machine), printed first
 * @param images             images per phase (stream images x passes)
 * @param defectiveImages    of those, the ones the classifier passed on to the segmenter (bare batched run)
 * @param bareImagesPerSec   bare batched predict: classifier on every image and segmenter on the defective ones, side by side
 * @param batch1ImagesPerSec the same work at one image per predict call
 * @param pipeline           the whole pipeline driven as fast as the replay can publish
 * @param latency            capture-to-result latency with the replay paced below the pipeline's rate
 * @param latencyRate        the paced replay's rate, images/s (0 when the paced phase was skipped)
 * @param overhead           serde + broker round trip of one {@code ImageCaptured}, ms, with ingest's producer settings
 * @param overheadNoLinger   the same with linger.ms 0
 */
public record BenchReport(Map<String, Object> setup, int images, int defectiveImages, double bareImagesPerSec,
                          double batch1ImagesPerSec, PipelineRun.Result pipeline, Percentiles.Summary latency, double latencyRate,
                          Percentiles.Summary overhead, Percentiles.Summary overheadNoLinger) {

    /** Target: the pipeline reaches at least this fraction of bare batched predict. */
    public static final double PIPELINE_TARGET = 0.9;
    /** Target: serde + broker round trip p50 below this, ms. */
    public static final double OVERHEAD_TARGET_MS = 5;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public double pipelineOverBare() {
        return pipeline.imagesPerSec() / bareImagesPerSec;
    }

    public double batchedOverBatch1() {
        return bareImagesPerSec / batch1ImagesPerSec;
    }

    /** One JSON object; the keys of issue 8 first, then the detail. NaN (a phase that measured nothing) is written as null. */
    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bareImagesPerSec", number(bareImagesPerSec));
        out.put("batch1ImagesPerSec", number(batch1ImagesPerSec));
        out.put("pipelineImagesPerSec", number(pipeline.imagesPerSec()));
        out.put("pipelineOverBare", number(pipelineOverBare()));
        out.put("batchedOverBatch1", number(batchedOverBatch1()));
        out.put("latencyP50Ms", number(latency.p50()));
        out.put("latencyP95Ms", number(latency.p95()));
        out.put("latencyP99Ms", number(latency.p99()));
        out.put("latencyMaxMs", number(latency.max()));
        out.put("latencyImages", latency.count());
        out.put("latencyReplayImagesPerSec", number(latencyRate));
        out.put("saturatedLatencyP50Ms", number(pipeline.latency().p50()));
        out.put("saturatedLatencyP99Ms", number(pipeline.latency().p99()));
        out.put("overheadP50Ms", number(overhead.p50()));
        out.put("overheadP95Ms", number(overhead.p95()));
        out.put("overheadP99Ms", number(overhead.p99()));
        out.put("overheadNoLingerP50Ms", number(overheadNoLinger.p50()));
        out.put("overheadNoLingerP99Ms", number(overheadNoLinger.p99()));
        out.put("images", images);
        out.put("defectiveImages", defectiveImages);
        out.put("pipelineDefectiveImages", pipeline.defective());
        out.put("pipelineSeconds", number(pipeline.seconds()));
        Map<String, Object> batches = new LinkedHashMap<>();
        batches.put("classifier", pipeline.classifierBatches().batches());
        batches.put("segmenter", pipeline.segmenterBatches().batches());
        out.put("batchSizes", batches);
        out.put("setup", setup);
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lines a person reads: one per phase, then the ratios against their targets. */
    public List<String> toLines() {
        List<String> lines = new ArrayList<>();
        lines.add("setup: " + setup);
        lines.add(String.format(Locale.ROOT, "%-52s %8.2f images/s", "(a) bare predict, batched", bareImagesPerSec));
        lines.add(String.format(Locale.ROOT, "%-52s %8.2f images/s", "(b) bare predict, batch size 1", batch1ImagesPerSec));
        lines.add(String.format(Locale.ROOT, "%-52s %8.2f images/s  (%d images in %.1f s, %d defective)",
                "(c) pipeline: replay -> classifier -> segmenter", pipeline.imagesPerSec(), images, pipeline.seconds(), pipeline.defective()));
        lines.add(String.format(Locale.ROOT, "pipeline / bare batched = %.2f (target >= %.2f: %s); batched / batch-1 = %.2f",
                pipelineOverBare(), PIPELINE_TARGET, pipelineOverBare() >= PIPELINE_TARGET ? "met" : "NOT met", batchedOverBatch1()));
        lines.add(String.format(Locale.ROOT, "capture-to-result latency at %.2f images/s (%d images): p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms",
                latencyRate, latency.count(), latency.p50(), latency.p95(), latency.p99(), latency.max()));
        lines.add(String.format(Locale.ROOT, "  (while saturated, queueing included: p50 %.0f ms, p99 %.0f ms)", pipeline.latency().p50(),
                pipeline.latency().p99()));
        lines.add(String.format(Locale.ROOT, "batch sizes (size x batches): classifier %s (mean %.1f); segmenter %s (mean %.1f)",
                pipeline.classifierBatches(), pipeline.classifierBatches().mean(), pipeline.segmenterBatches(), pipeline.segmenterBatches().mean()));
        lines.add(String.format(Locale.ROOT, "streaming overhead per image (Avro serde + broker round trip, %d x ImageCaptured, ingest producer settings): p50 %.2f ms, "
                        + "p95 %.2f ms, p99 %.2f ms (target p50 < %.0f ms: %s)", overhead.count(), overhead.p50(), overhead.p95(), overhead.p99(),
                OVERHEAD_TARGET_MS, overhead.p50() < OVERHEAD_TARGET_MS ? "met" : "NOT met"));
        lines.add(String.format(Locale.ROOT, "  (producer linger.ms 0 instead of ingest's 2: p50 %.2f ms, p99 %.2f ms)", overheadNoLinger.p50(),
                overheadNoLinger.p99()));
        return lines;
    }

    private static Object number(double value) {
        return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : null;
    }
}
