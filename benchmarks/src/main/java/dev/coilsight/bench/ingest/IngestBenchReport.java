package dev.coilsight.bench.ingest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.bench.Percentiles;

/**
 * The figures of one {@code ./coilsight bench ingest} run, as a table for a person or one JSON object.
 * Each round compares HTTP with the faster raw producer variant of that same round (they ran seconds
 * apart, under the same outside load); the headline is the median of those per-round ratios, so a
 * burst of load elsewhere on a shared machine moves one round, not the result.
 *
 * @param setup  what was measured with what (clients, threads, partitions, durations, machine), in JSON as it is
 * @param phases the counted rounds' phase results, which make the figures
 * @param warmUp the warm-up rounds' phase results: not in the figures, but their errors and lost or doubled images count
 */
record IngestBenchReport(IngestImages images, Map<String, Object> setup, List<PhaseResult> phases, List<PhaseResult> warmUp) {

    /** Target of issue 14: HTTP ingest reaches at least this fraction of the raw producer's throughput. */
    static final double TARGET = 0.8;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One round's HTTP phase against its faster raw producer phase (by MB/s). */
    record Comparison(int round, PhaseResult http, PhaseResult raw) {
        double ratio() {
            return http.megabytesPerSecond() / raw.megabytesPerSecond();
        }
    }

    IngestBenchReport {
        setup = Map.copyOf(setup);
        phases = List.copyOf(phases);
    }

    List<Comparison> comparisons() {
        List<Comparison> out = new ArrayList<>();
        for (int round : phases.stream().map(PhaseResult::round).distinct().sorted().toList()) {
            Optional<PhaseResult> http = inRound(round).filter(p -> p.phase() == Phase.HTTP).findFirst();
            Optional<PhaseResult> raw = inRound(round).filter(p -> p.phase().isRaw()).max(Comparator.comparingDouble(PhaseResult::megabytesPerSecond));
            if (http.isPresent() && raw.isPresent()) {
                out.add(new Comparison(round, http.get(), raw.get()));
            }
        }
        return out;
    }

    /** The median over rounds of HTTP/raw; NaN when http or both raw phases were not run. */
    double httpOverRaw() {
        return median(comparisons().stream().map(Comparison::ratio).toList());
    }

    /** Median over rounds of a figure of the HTTP phase (side "http") or the round's faster raw phase ("raw"). */
    private double comparedMedian(boolean http, ToDoubleFunction<PhaseResult> figure) {
        return median(comparisons().stream().map(c -> figure.applyAsDouble(http ? c.http() : c.raw())).toList());
    }

    private double phaseMedian(Phase phase, ToDoubleFunction<PhaseResult> figure) {
        return median(phases.stream().filter(p -> p.phase() == phase).map(figure::applyAsDouble).toList());
    }

    /** HTTP latencies of every counted round together. */
    Percentiles.Summary httpLatency() {
        return Percentiles.summary(phases.stream().filter(p -> p.phase() == Phase.HTTP).flatMap(p -> p.latenciesMs().stream()).toList());
    }

    /** Sends that failed, in any phase of any round, warm-up included. */
    long errors() {
        return Stream.concat(phases.stream(), warmUp.stream()).mapToLong(PhaseResult::errors).sum();
    }

    /** Phases whose topic did not hold exactly the acknowledged images, warm-up rounds included. */
    List<PhaseResult> topicMismatches() {
        return Stream.concat(phases.stream(), warmUp.stream()).filter(p -> !p.topicMatches()).toList();
    }

    private Stream<PhaseResult> inRound(int round) {
        return phases.stream().filter(p -> p.round() == round);
    }

    /** Median (the mean of the middle two for an even count); NaN for none. */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** One JSON object: the headline figures first, then the setup, per round and per phase. NaN is written as null. */
    String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Double> ratios = comparisons().stream().map(Comparison::ratio).toList();
        out.put("httpOverRaw", number(httpOverRaw()));
        out.put("httpOverRawTarget", TARGET);
        out.put("httpOverRawRounds", ratios.stream().map(IngestBenchReport::number).toList());
        out.put("httpImagesPerSec", number(comparedMedian(true, PhaseResult::imagesPerSecond)));
        out.put("httpMBPerSec", number(comparedMedian(true, PhaseResult::megabytesPerSecond)));
        out.put("rawImagesPerSec", number(comparedMedian(false, PhaseResult::imagesPerSecond)));
        out.put("rawMBPerSec", number(comparedMedian(false, PhaseResult::megabytesPerSecond)));
        Percentiles.Summary latency = httpLatency();
        out.put("httpLatencyP50Ms", number(latency.p50()));
        out.put("httpLatencyP95Ms", number(latency.p95()));
        out.put("httpLatencyP99Ms", number(latency.p99()));
        out.put("publisherImagesPerSec", number(phaseMedian(Phase.PUBLISHER, PhaseResult::imagesPerSecond)));
        out.put("httpNullImagesPerSec", number(phaseMedian(Phase.HTTP_NULL, PhaseResult::imagesPerSecond)));
        out.put("errors", errors());
        out.put("topicMismatches", topicMismatches().size());
        out.put("images", images.count());
        out.put("imageBytesMean", Math.round(images.meanBytes()));
        out.put("imageBytesMin", images.minBytes());
        out.put("imageBytesMax", images.maxBytes());
        out.put("imagesFolder", images.folder().toString());
        out.putAll(new TreeMap<>(setup));
        List<Map<String, Object>> perRound = new ArrayList<>();
        for (Comparison c : comparisons()) {
            Map<String, Object> round = new LinkedHashMap<>();
            round.put("round", c.round());
            round.put("httpOverRaw", number(c.ratio()));
            round.put("httpImagesPerSec", number(c.http().imagesPerSecond()));
            round.put("rawImagesPerSec", number(c.raw().imagesPerSecond()));
            round.put("rawPhase", c.raw().phase().id);
            perRound.add(round);
        }
        out.put("perRound", perRound);
        List<Map<String, Object>> perPhase = new ArrayList<>();
        for (PhaseResult p : phases) {
            Map<String, Object> phase = new LinkedHashMap<>();
            phase.put("round", p.round());
            phase.put("phase", p.phase().id);
            phase.put("label", p.label());
            phase.put("imagesPerSec", number(p.imagesPerSecond()));
            phase.put("MBPerSec", number(p.megabytesPerSecond()));
            phase.put("images", p.images());
            phase.put("seconds", number(p.seconds()));
            phase.put("errors", p.errors());
            phase.put("latencyP50Ms", number(p.latency().p50()));
            phase.put("latencyP95Ms", number(p.latency().p95()));
            phase.put("latencyP99Ms", number(p.latency().p99()));
            phase.put("published", p.published());
            phase.put("recordsInTopic", p.recordsInTopic());
            perPhase.add(phase);
        }
        out.put("phases", perPhase);
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A header line, one row per phase and round, the per-round ratios, the headline against its target. */
    List<String> toTable() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "ingest benchmark %s: %d images from %s, mean %.0f KB (%d..%d KB); %s clients, %s server threads, "
                        + "%s partitions; %s s measured after %s s warm-up per phase, %s rounds after %s warm-up rounds; %s CPUs; broker %s, registry %s",
                setup.get("startedAt"), images.count(), images.folder(), images.meanBytes() / 1e3, images.minBytes() / 1000, images.maxBytes() / 1000,
                setup.get("clients"), setup.get("httpThreads"), setup.get("partitions"), setup.get("seconds"), setup.get("warmupSeconds"),
                setup.get("rounds"), setup.get("warmupRounds"), setup.get("cpus"), setup.get("broker"), setup.get("registry")));
        lines.add("");
        lines.add(String.format(Locale.ROOT, "%-5s  %-48s %9s %7s %7s %7s %6s", "round", "phase", "images/s", "MB/s", "p50 ms", "p95 ms", "errors"));
        for (PhaseResult p : phases) {
            lines.add(String.format(Locale.ROOT, "%-5d  %-48s %9.1f %7.1f %7.1f %7.1f %6d%s", p.round(), p.label(), p.imagesPerSecond(),
                    p.megabytesPerSecond(), p.latency().p50(), p.latency().p95(), p.errors(),
                    p.topicMatches() ? "" : "  topic holds " + p.recordsInTopic() + " records for " + p.published() + " acknowledged"));
        }
        lines.add("");
        for (Comparison c : comparisons()) {
            lines.add(String.format(Locale.ROOT, "round %d  HTTP/raw = %.2f  (HTTP %.1f MB/s vs %s %.1f MB/s)", c.round(), c.ratio(),
                    c.http().megabytesPerSecond(), c.raw().label(), c.raw().megabytesPerSecond()));
        }
        List<Double> sorted = comparisons().stream().map(Comparison::ratio).sorted().toList();
        if (sorted.isEmpty()) {
            lines.add("HTTP/raw: not measured (needs the http phase and raw or raw-sync)");
        } else {
            Percentiles.Summary latency = httpLatency();
            lines.add(String.format(Locale.ROOT, "HTTP/raw producer, median over %d rounds: %.2f (min %.2f, max %.2f; target >= %.2f: %s); "
                            + "HTTP latency p50 %.1f ms, p95 %.1f ms", sorted.size(), httpOverRaw(), sorted.get(0), sorted.get(sorted.size() - 1),
                    TARGET, httpOverRaw() >= TARGET ? "met" : "NOT met", latency.p50(), latency.p95()));
        }
        return lines;
    }

    private static Object number(double value) {
        return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : null;
    }
}
