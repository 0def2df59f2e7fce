package dev.coilsight.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.bench.jmh.JmhCommand;
import dev.coilsight.bench.roofline.MachinePeak;
import dev.coilsight.bench.roofline.PrecisionComparison;
import dev.coilsight.core.model.Precision;
import dev.coilsight.bench.roofline.Roofline;

class BenchReportTest {

    private static BenchReport report() {
        PipelineRun.Result pipeline = new PipelineRun.Result(9.0, 10.0, 90, 80, new Percentiles.Summary(90, 5000, 9000, 9800, 9900),
                BatchSizes.fromImages(List.of(8, 8, 8, 8, 8, 8, 8, 8, 2, 2)), BatchSizes.fromImages(List.of(4, 4, 4, 4)), 8.5);
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("batch", 8);
        PipelineRun.Result slow = new PipelineRun.Result(4.0, 22.5, 90, 80, pipeline.latency(), pipeline.classifierBatches(),
                pipeline.segmenterBatches(), 3.9);
        // Round 2 was disturbed (everything slower, its ratio 0.5): the medians of three rounds leave it out.
        List<BenchReport.Round> rounds = List.of(new BenchReport.Round(10.0, 5.0, pipeline), new BenchReport.Round(8.0, 4.0, slow),
                new BenchReport.Round(10.0, 5.0, pipeline));
        return new BenchReport(setup, 90, 80, rounds, new Percentiles.Summary(40, 700, 900, 950, 960), 4.5,
                new Percentiles.Summary(200, 3.2, 4.5, 6.0, 7.0));
    }

    @Test
    void ratiosAreMediansOfEachRoundsOwnRatio() {
        BenchReport r = report();
        assertThat(r.rounds().get(1).pipelineOverBare()).isEqualTo(0.5);
        assertThat(r.pipelineOverBare()).isEqualTo(0.9);
        assertThat(r.batchedOverBatch1()).isEqualTo(2.0);
        assertThat(r.bareImagesPerSec()).isEqualTo(10.0);
        assertThat(r.pipelineImagesPerSec()).isEqualTo(9.0);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(BenchReport.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(BenchReport.median(List.of(7.0))).isEqualTo(7.0);
    }

    @Test
    void jsonHasTheKeysOfTheIssue() throws Exception {
        JsonNode json = new ObjectMapper().readTree(report().toJson());
        assertThat(json.get("bareImagesPerSec").asDouble()).isEqualTo(10.0);
        assertThat(json.get("batch1ImagesPerSec").asDouble()).isEqualTo(5.0);
        assertThat(json.get("pipelineImagesPerSec").asDouble()).isEqualTo(9.0);
        assertThat(json.get("pipelineOverBare").asDouble()).isEqualTo(0.9);
        assertThat(json.get("batchedOverBatch1").asDouble()).isEqualTo(2.0);
        assertThat(json.get("latencyP50Ms").asDouble()).isEqualTo(700);
        assertThat(json.get("latencyP95Ms").asDouble()).isEqualTo(900);
        assertThat(json.get("latencyP99Ms").asDouble()).isEqualTo(950);
        assertThat(json.get("overheadP50Ms").asDouble()).isEqualTo(3.2);
        BenchReport unpaced = new BenchReport(report().setup(), 90, 80, report().rounds(), Percentiles.Summary.EMPTY, 0, report().overhead());
        assertThat(new ObjectMapper().readTree(unpaced.toJson()).get("latencyP50Ms").isNull()).as("NaN is written as null").isTrue();
        // Batches summed over the three rounds.
        assertThat(json.get("batchSizes").get("classifier").get("8").asInt()).isEqualTo(3);
        assertThat(json.get("batchSizes").get("classifier").get("2").asInt()).isEqualTo(3);
        assertThat(json.get("batchSizes").get("segmenter").get("4").asInt()).isEqualTo(3);
        assertThat(json.get("rounds")).hasSize(3);
        assertThat(json.get("rounds").get(1).get("pipelineOverBare").asDouble()).isEqualTo(0.5);
        assertThat(json.get("setup").get("batch").asInt()).isEqualTo(8);
    }

    @Test
    void theRooflineSaysWhatTheBareRateIsInGflopsAndAsAShareOfTheMeasuredPeak() throws Exception {
        BenchReport plain = report();
        Roofline roofline = new Roofline(OptionalDouble.of(13.9), OptionalDouble.of(29.6),
                new MachinePeak("Test CPU", List.of("avx512f", "avx512_bf16"), 300.0, 900.0),
                new PrecisionComparison(Precision.BF16, 5.0, 9.0, List.of(1.7, 1.9, 2.1), 0.024, 0.003));
        BenchReport r = new BenchReport(plain.setup(), plain.images(), plain.defectiveImages(), plain.rounds(), plain.latency(), plain.latencyRate(),
                plain.overhead(), roofline);

        JsonNode json = new ObjectMapper().readTree(r.toJson());
        // 80 of 90 images segmented: 13.9 + 80/90 x 29.6 = 40.211 GFLOP per image, at the bare median of 10 images/s.
        assertThat(json.get("classifierGflopPerImage").asDouble()).isEqualTo(13.9);
        assertThat(json.get("segmenterGflopPerImage").asDouble()).isEqualTo(29.6);
        assertThat(json.get("gflopPerImage").asDouble()).isCloseTo(40.211, org.assertj.core.data.Offset.offset(0.001));
        assertThat(json.get("bareGflopPerSec").asDouble()).isCloseTo(402.111, org.assertj.core.data.Offset.offset(0.001));
        assertThat(json.get("fp32PeakGflopPerSec").asDouble()).isEqualTo(300.0);
        assertThat(json.get("bf16PeakGflopPerSec").asDouble()).isEqualTo(900.0);
        assertThat(json.get("bareOverFp32Peak").asDouble()).isCloseTo(1.34, org.assertj.core.data.Offset.offset(0.001));
        assertThat(String.join("\n", r.toLines())).contains("classifier 13.9 GFLOP/image, segmenter 29.6 GFLOP/image")
                .contains("Test CPU [avx512f, avx512_bf16]").contains("at 1.34 of the fp32 peak");
        // The ratio is the median of the rounds' ratios, not the ratio of the median rates (9 / 5 = 1.8).
        assertThat(json.get("segmenterBf16OverFp32").asDouble()).isEqualTo(1.9);
        assertThat(json.get("segmenterPrecisionUsed").asText()).isEqualTo("bf16");
        assertThat(json.get("bf16MaxProbabilityDifference").asDouble()).isEqualTo(0.024);
        assertThat(json.get("bf16PeakOverFp32Peak").asDouble()).isEqualTo(3.0);
        assertThat(String.join("\n", r.toLines())).contains("bf16 / fp32 = 1.9 (rounds [1.7, 1.9, 2.1]; target >= 2: NOT met; "
                + "the matrix products' bf16 / fp32 = 3.0)");
        assertThat(new ObjectMapper().readTree(plain.toJson()).has("gflopPerImage")).as("no roofline, no keys").isFalse();
        BenchReport noPrecision = new BenchReport(plain.setup(), plain.images(), plain.defectiveImages(), plain.rounds(), plain.latency(),
                plain.latencyRate(), plain.overhead(), new Roofline(roofline.classifierGflopPerImage(),
                roofline.segmenterGflopPerImage(), roofline.peak(), null));
        assertThat(new ObjectMapper().readTree(noPrecision.toJson()).has("segmenterBf16OverFp32")).as("--precision-rounds 0").isFalse();
        assertThat(String.join("\n", noPrecision.toLines())).doesNotContain("bf16 / fp32");
    }

    @Test
    void linesSayWhetherTheTargetsAreMet() {
        List<String> lines = report().toLines();
        assertThat(lines).anyMatch(l -> l.startsWith("round 2  pipeline / bare batched = 0.50"));
        assertThat(lines).anyMatch(l -> l.startsWith("pipeline / bare batched = 0.90 (target >= 0.90: met)") && l.contains("medians over 3 rounds"));
        assertThat(lines).anyMatch(l -> l.contains("p50 3.20 ms") && l.contains("target p50 < 5 ms: met"));
        assertThat(lines).anyMatch(l -> l.contains("classifier 2x3 8x3"));
    }

    @Test
    void rleThroughputIsMaskBytesOverTimePerOperation() {
        // 409,600 mask bytes in 204.8 us = 2 GB/s
        assertThat(JmhCommand.gigabytesPerSecond(409_600, 204.8)).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
    }
}
