package dev.coilsight.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.coilsight.bench.http.HttpServersBenchCommand;
import dev.coilsight.bench.ingest.IngestBenchCommand;
import dev.coilsight.bench.roofline.MachinePeak;
import dev.coilsight.trainer.net.ModelArithmetic;
import dev.coilsight.bench.roofline.PrecisionComparison;
import dev.coilsight.bench.roofline.Roofline;
import dev.coilsight.bench.jmh.JmhCommand;
import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.cli.JsonOrText;
import dev.coilsight.embedded.LocalKafka;
import dev.coilsight.embedded.LocalRegistry;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./coilsight bench}: what streaming costs, measured in one process and one run with the same
 * models, images and threads: (a) bare batched predict, (b) batch-size-1 predict, (c) the whole
 * pipeline (ingest replay -> classifier -> segmenter) through a real KRaft broker and Apicurio
 * registry started in this process, {@code --rounds} times back to back; then capture-to-result
 * latency at a rate the pipeline can sustain, and the serde + broker round trip of one image.
 * docs/BENCHMARKS.md says how each figure is taken.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        subcommands = {JmhCommand.class, SizeSweepCommand.class, IngestBenchCommand.class, HttpServersBenchCommand.class},
        description = {"Measure bare batched and batch-size-1 predict and the whole pipeline through a real broker and registry",
                "(started in this process), with the same models, images and threads, in one run; print images/s, the ratios,",
                "capture-to-result latency percentiles, the batch sizes and the per-image streaming overhead.",
                "'bench jmh' runs the JMH micro-benchmarks (RLE, image decoding, Avro, post-processing); 'bench sizes' the image-size sweep;",
                "'bench ingest' HTTP ingest against a raw Kafka producer.",
                "Exit code 0 when the run completed (targets met or not), 2 on bad input."})
public final class BenchCommand extends CoilsightCommand {

    @Option(names = "--classifier-model", paramLabel = "DIR", description = "Classifier model (default: models/severstal-classifier).")
    Path classifierModel;

    @Option(names = "--segmenter-model", paramLabel = "DIR", description = "Segmenter model (default: models/severstal-resunet).")
    Path segmenterModel;

    @Option(names = "--images", paramLabel = "DIR", description = "Images of one size, or a folder with images/ (default: ../shared/data/severstal-stream).")
    Path images;

    @Option(names = "--count", defaultValue = "0", description = "Use the first N images in name order; 0 = all (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--passes", defaultValue = "1", description = "Times each phase goes over the images (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--rounds", defaultValue = "1",
            description = "Rounds of (a), (b), (c) back to back; ratios are per round, the figures printed first their medians (default: ${DEFAULT-VALUE}).")
    int roundCount;

    @Option(names = "--warmup-rounds", defaultValue = "1",
            description = "Rounds run first and not counted: the first minute of this JVM (JIT compiling the broker and clients on the "
                    + "same cores) made the first phase up to 2x slower in every run here (default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(names = "--batch", defaultValue = "8", description = "Bare batch size and the workers' COILSIGHT_MAX_BATCH_SIZE (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", defaultValue = "1", description = "Bare predict threads and each worker's COILSIGHT_WORKER_THREADS (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--linger-ms", defaultValue = "50", description = "The workers' COILSIGHT_MAX_LINGER_MS (default: ${DEFAULT-VALUE}).")
    int lingerMs;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of every pipeline topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--latency-load", defaultValue = "0.5",
            description = "The latency phase replays at this fraction of the pipeline's measured rate; 0 skips it (default: ${DEFAULT-VALUE}).")
    double latencyLoad;

    @Option(names = "--latency-images", defaultValue = "40", description = "Images replayed in the latency phase (default: ${DEFAULT-VALUE}).")
    int latencyImages;

    @Option(names = "--overhead-count", defaultValue = "200", description = "Timed serde + broker round trips (default: ${DEFAULT-VALUE}).")
    int overheadCount;

    @Option(names = "--precision-rounds", defaultValue = "3",
            description = "Rounds of the segmenter alone in fp32 against bf16, after the other phases; 0 skips them (default: ${DEFAULT-VALUE}).")
    int precisionRounds;

    @Option(names = "--timeout-s", defaultValue = "1200", description = "Longest wait for one pipeline phase (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--json", description = "Print one JSON object instead of the text lines.")
    boolean json;

    @CommandLine.Mixin
    ReportFileOption out;

    @Override
    protected int run() throws Exception {
        if (batch < 1 || threads < 1 || passes < 1 || roundCount < 1 || warmupRounds < 0 || partitions < threads || latencyLoad < 0 || latencyImages < 1
                || overheadCount < 1 || precisionRounds < 0) {
            throw badOption("--batch, --threads, --passes, --rounds, --latency-images, "
                    + "--overhead-count must be >= 1, --warmup-rounds and --precision-rounds >= 0, --partitions >= --threads and --latency-load >= 0");
        }
        Path classifierDir = classifierModel != null ? classifierModel : BenchInputs.defaultModel("severstal-classifier");
        Path segmenterDir = segmenterModel != null ? segmenterModel : BenchInputs.defaultModel("severstal-resunet");
        List<Path> files = BenchInputs.images(images != null ? images : BenchInputs.defaultStreamImages(), count);

        PrintWriter stdout = stdout(); // made now, on the real stdout
        BenchReport report = BenchOutput.offStdout(() -> measure(classifierDir, segmenterDir, files));
        JsonOrText.print(stdout, json, report.toJson(), report.toLines());
        out.append(report.toJson());
        return 0;
    }

    /** Broker and registry first, in a temporary folder: idle, they sit on the same cores during the bare phases too. */
    private BenchReport measure(Path classifierDir, Path segmenterDir, List<Path> files) throws Exception {
        try (ScratchFolder state = ScratchFolder.create("coilsight-bench-");
             LocalKafka kafka = LocalKafka.start(state.resolve("kafka"), 0);
             LocalRegistry registry = LocalRegistry.start(state.resolve("registry"))) {
            return measure(kafka, registry, classifierDir, segmenterDir, files);
        }
    }

    /** Every phase, in order; see the class comment and docs/BENCHMARKS.md. */
    private BenchReport measure(LocalKafka kafka, LocalRegistry registry, Path classifierDir, Path segmenterDir, List<Path> files)
            throws Exception {

        Map<String, Object> setup = new LinkedHashMap<>();
        List<BenchReport.Round> rounds = new ArrayList<>();
        PipelineRun.Result paced = null;
        double pacedRate = 0;
        int defective;
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        try (LoadedModel classifier = load(classifierDir, ModelCard.CLASSIFICATION); LoadedModel segmenter = load(segmenterDir, ModelCard.SEGMENTATION)) {
            setup.put("startedAt", Instant.now().toString());
            setup.put("classifier", classifier.card().name() + " " + classifier.card().version());
            setup.put("segmenter", segmenter.card().name() + " " + segmenter.card().version());
            setup.put("images", files.size() + " from " + files.get(0).getParent());
            setup.putAll(optionValues());
            setup.put("cpus", Runtime.getRuntime().availableProcessors());
            setup.put("device", LoadedModel.gpuAvailable() ? "GPU (CUDA)" : "CPU");
            setup.put("tfEnableOnednnOpts", System.getenv().getOrDefault("TF_ENABLE_ONEDNN_OPTS", "(unset)"));
            System.err.println("bench: " + setup);
            Map<String, String> topics = BenchTopics.create(kafka, partitions, List.of("images", "classifications", "defective", "defects", "dlq"));
            // Both kept for every round: the bare sessions idle while the workers run, and the other way round.
            try (BarePredict bare = new BarePredict(classifier, segmenter, files, threads);
                 PipelineRun run = new PipelineRun(kafka.bootstrapServers(), registry.ccompatUrl(), topics, classifierDir, segmenterDir, batch,
                         threads, lingerMs)) {
                bare.warmUp(batch);
                defective = bare.defectiveCount() * passes;
                run.start(Duration.ofSeconds(120));
                // Warm-up through the whole pipeline (first batches of each shape, producers, fetch sessions), not measured.
                run.replay("bench-warmup-", files.subList(0, Math.min(files.size(), 2 * batch * threads)), 1, 1e9, timeout, "pipeline warm-up");
                for (int r = 1 - warmupRounds; r <= roundCount; r++) {
                    int round = r;
                    Callable<BarePredict.Result> batchedPhase = () -> {
                        BarePredict.Result batched = bare.run(batch, passes);
                        progress("round %d (a) bare batched %s images/s (%d images, %d defective, %s s)", round, round(batched.imagesPerSec()),
                                batched.images(), batched.defective(), round(batched.seconds()));
                        return batched;
                    };
                    Callable<BarePredict.Result> singlePhase = () -> {
                        BarePredict.Result single = bare.run(1, passes);
                        progress("round %d (b) bare batch-1 %s images/s", round, round(single.imagesPerSec()));
                        return single;
                    };
                    Callable<PipelineRun.Result> pipelinePhase = () -> {
                        String prefix = round < 1 ? "bench-warmup-round" + (round + warmupRounds) + "-" : "bench-run" + round + "-";
                        PipelineRun.Result pipeline = run.replay(prefix, files, passes, 1e9, timeout,
                                (round < 1 ? "warm-up round" : "round " + round) + " pipeline");
                        run.checkExactlyOnce(prefix);
                        progress("round %d (c) pipeline %s images/s (%d images, %d defective, %s s)", round, round(pipeline.imagesPerSec()),
                                pipeline.images(), pipeline.defective(), round(pipeline.seconds()));
                        return pipeline;
                    };
                    // Odd rounds (a), (b), (c), even rounds the other way: a machine that keeps speeding up (the JIT, the page
                    // cache) then favours neither side of a ratio.
                    BarePredict.Result batched;
                    BarePredict.Result single;
                    PipelineRun.Result pipeline;
                    if (round % 2 != 0) {
                        batched = batchedPhase.call();
                        single = singlePhase.call();
                        pipeline = pipelinePhase.call();
                    } else {
                        pipeline = pipelinePhase.call();
                        single = singlePhase.call();
                        batched = batchedPhase.call();
                    }
                    if (round >= 1) {
                        rounds.add(new BenchReport.Round(batched.imagesPerSec(), single.imagesPerSec(), pipeline));
                    }
                }
                if (latencyLoad > 0) {
                    pacedRate = latencyLoad * BenchReport.median(rounds.stream().map(x -> x.pipeline().imagesPerSec()).toList());
                    List<Path> latencyFiles = files.subList(0, Math.min(files.size(), latencyImages));
                    paced = run.replay("bench-paced-", latencyFiles, 1, pacedRate, timeout, "latency at " + round(pacedRate) + " images/s");
                    run.checkExactlyOnce("bench-paced-");
                }
            }
        }

        Map<String, String> overheadTopics = BenchTopics.create(kafka, 1, List.of("overhead"));
        byte[] image = Files.readAllBytes(files.get(0));
        Percentiles.Summary overhead = StreamingOverhead.measure(kafka.bootstrapServers(), registry.ccompatUrl(), overheadTopics.get("overhead"),
                image, 20, overheadCount);
        setup.put("overheadImageBytes", image.length);
        progress("roofline: counting the models' arithmetic and measuring the matrix-product peaks");
        var header = new dev.coilsight.core.image.ImageDecoder().readHeader(files.get(0));
        ModelCard classifierCard = ModelCard.read(classifierDir);
        ModelCard segmenterCard = ModelCard.read(segmenterDir);
        Roofline roofline = new Roofline(ModelArithmetic.gflopPerImage(classifierCard, header.height(), header.width()),
                ModelArithmetic.gflopPerImage(segmenterCard, header.height(), header.width()), MachinePeak.measure(6),
                precisionRounds == 0 ? null : PrecisionComparison.measure(segmenterDir, files, batch, precisionRounds));
        return new BenchReport(setup, files.size() * passes, defective, rounds, paced != null ? paced.latency() : Percentiles.Summary.EMPTY,
                pacedRate, overhead, roofline);
    }

    private static LoadedModel load(Path dir, String task) {
        LoadedModel model = LoadedModel.load(dir);
        if (!model.card().task().equals(task)) {
            String found = model.card().task();
            model.close();
            throw new IllegalArgumentException(dir + " is a " + found + " model, expected a " + task + " model");
        }
        return model;
    }

    /** One progress line on stderr (stdout carries only the report). */
    private static void progress(String format, Object... args) {
        System.err.println("bench: " + String.format(Locale.ROOT, format, args));
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
