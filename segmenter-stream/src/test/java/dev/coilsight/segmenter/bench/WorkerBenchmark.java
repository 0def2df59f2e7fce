package dev.coilsight.segmenter.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import dev.coilsight.image.ColorMode;
import dev.coilsight.image.ImageDecoder;
import dev.coilsight.model.LoadedModel;
import dev.coilsight.model.ModelCard;
import dev.coilsight.model.Preprocessor;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.serde.SpecificAvroSerializer;
import dev.coilsight.segmenter.SegmenterFixture;
import dev.coilsight.segmenter.SegmenterService;
import dev.coilsight.segmenter.SegmenterStage;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.testsupport.TestInfrastructure;
import dev.coilsight.worker.InferenceWorker;
import dev.coilsight.worker.WorkerConfig;
import dev.coilsight.worker.WorkerFixture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What the streaming machinery costs: the segmenter worker's throughput through the real broker
 * against bare batched {@code predict} in a loop, and batched against batch-size-1 predict, with the
 * same model, threads and images in one run. Not a test: run it by hand (README, "Inference workers").
 * Starts the in-process KRaft broker and Apicurio registry of test-support.
 *
 * <p>Each round measures, in this order:
 * <ol>
 *   <li>bare batched: {@code --threads} threads, each with its own {@link LoadedModel.Session}, predict their share
 *       of the prepared images (decoded and pre-processed before timing) in batches of {@code --batch}</li>
 *   <li>bare batch-1: the same, one image per call</li>
 *   <li>worker: the real segmenter ({@link InferenceWorker}, {@code --threads} worker threads, batches of up to
 *       {@code --batch} within {@code --linger-ms}) consuming a fresh topic pre-filled with the same images as
 *       {@code DefectiveImage} records; a read_committed consumer notes when each committed result becomes
 *       visible, and the rate is the results after the first visible one over the time from the first to the last
 *       (so model loading and the first batch's warm-up are outside it, as the bare phases' warm-up is). The worker
 *       decodes, pre-processes, post-processes (masks, RLE) and produces inside that time: the bare phases do not.</li>
 * </ol>
 * Every result is checked: exactly one per image, none missing, none duplicated.
 */
@Command(name = "worker-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Segmenter worker throughput through the broker vs bare batched and batch-size-1 predict.")
public final class WorkerBenchmark implements Callable<Integer> {

    private static final int COILS = 8;

    @Option(names = "--model", paramLabel = "DIR",
            description = "Segmentation model directory (default: models/severstal-resunet if present, else models/neu-resunet).")
    Path model;

    @Option(names = "--images", paramLabel = "DIR", description = "Folder of JPEG/PNG images of one size (default: ../shared/data/severstal-stream/images).")
    Path imagesDir;

    @Option(names = "--count", defaultValue = "0", description = "Use the first N images in name order; 0 = all (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--passes", defaultValue = "3",
            description = "Times each phase goes over the images: longer phases amortise the worker's first batches of odd sizes "
                    + "(default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--batch", defaultValue = "8", description = "Bare batch size and the worker's COILSIGHT_MAX_BATCH_SIZE (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", defaultValue = "1", description = "Bare predict threads and COILSIGHT_WORKER_THREADS (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--linger-ms", defaultValue = "50", description = "The worker's COILSIGHT_MAX_LINGER_MS (default: ${DEFAULT-VALUE}).")
    int lingerMs;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the worker's input topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--rounds", defaultValue = "2",
            description = "Rounds over the three phases; ratios are per round, with their median (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--timeout-s", defaultValue = "1800", description = "Longest wait for the worker's results (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--out", description = "Also append the results to this file.")
    Path out;

    private final List<Path> files = new ArrayList<>();
    private int width;
    private int height;

    public static void main(String[] args) {
        int exit = new CommandLine(new WorkerBenchmark()).execute(args);
        TestInfrastructure.shutdown();
        System.exit(exit);
    }

    /** One round's three figures, images/s. */
    record Round(int round, double batched, double single, double worker) {
        double workerToBare() {
            return worker / batched;
        }

        double batchedToSingle() {
            return batched / single;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || threads < 1 || passes < 1 || rounds < 1 || partitions < threads) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--batch, --threads, --passes, --rounds must be >= 1 and --partitions >= --threads");
        }
        resolveInputs();
        List<String> report = new ArrayList<>();
        List<Round> results = new ArrayList<>();
        try (LoadedModel loaded = LoadedModel.load(model)) {
            ModelCard card = loaded.card();
            if (!card.task().equals(ModelCard.SEGMENTATION)) {
                throw new CommandLine.ParameterException(new CommandLine(this), model + " is a " + card.task() + " model; the segmenter needs a "
                        + ModelCard.SEGMENTATION + " model");
            }
            List<Preprocessor.Prepared> prepared = prepare(loaded);
            Preprocessor.Prepared first = prepared.get(0);
            width = first.sourceWidth();
            height = first.sourceHeight();
            int total = prepared.size() * passes;
            if (total <= batch * threads) {
                throw new CommandLine.ParameterException(new CommandLine(this), "need more than --batch x --threads images (x --passes): the "
                        + "worker's rate is taken between its first and last committed result");
            }
            report.add(String.format(Locale.ROOT, "worker benchmark %s: model %s version %s (%s, %d channel(s)) from %s; %d images %dx%d "
                            + "from %s x %d pass(es); batch %d, %d thread(s), linger %d ms, %d partitions; %d CPUs, %s, TF_ENABLE_ONEDNN_OPTS=%s",
                    Instant.now(), card.name(), card.version(), card.task(), card.input().channels(), model, prepared.size(), width,
                    height, imagesDir, passes, batch, threads, lingerMs, partitions, Runtime.getRuntime().availableProcessors(),
                    LoadedModel.gpuAvailable() ? "GPU (CUDA)" : "CPU", System.getenv().getOrDefault("TF_ENABLE_ONEDNN_OPTS", "(unset)")));
            System.out.println(report.get(0));
            List<LoadedModel.Session> sessions = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                for (int t = 0; t < threads; t++) {
                    sessions.add(loaded.newSession());
                }
                warmUp(pool, sessions, prepared);
                for (int round = 1; round <= rounds; round++) {
                    double batched = bare(pool, sessions, prepared, batch);
                    report.add(line(round, "bare predict, batches of " + batch, batched, total + " images"));
                    double single = bare(pool, sessions, prepared, 1);
                    report.add(line(round, "bare predict, batch size 1", single, total + " images"));
                    String[] detail = new String[1];
                    double worker = worker(detail);
                    report.add(line(round, "worker through the broker (read_committed)", worker, detail[0]));
                    Round r = new Round(round, batched, single, worker);
                    results.add(r);
                    report.add(String.format(Locale.ROOT, "round %d  worker/bare batched = %.2f (target >= 0.90); batched/batch-1 = %.2f",
                            round, r.workerToBare(), r.batchedToSingle()));
                }
            } finally {
                sessions.forEach(LoadedModel.Session::close);
                pool.shutdownNow();
            }
        }
        if (results.size() > 1) {
            report.add(String.format(Locale.ROOT, "median over %d rounds: worker/bare batched = %.2f, batched/batch-1 = %.2f", results.size(),
                    median(results.stream().map(Round::workerToBare).toList()), median(results.stream().map(Round::batchedToSingle).toList())));
        }
        System.out.println();
        report.forEach(System.out::println);
        if (out != null) {
            Files.writeString(out, String.join("\n", report) + "\n\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return 0;
    }

    private void resolveInputs() throws Exception {
        if (model == null) {
            Path severstal = Path.of("models", "severstal-resunet");
            model = Files.isRegularFile(severstal.resolve("model.json")) ? severstal : Path.of("models", "neu-resunet");
        }
        if (imagesDir == null) {
            imagesDir = SharedData.root().resolve("severstal-stream").resolve("images");
        }
        try (Stream<Path> list = Files.list(imagesDir)) {
            list.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)")).sorted()
                    .limit(count > 0 ? count : Long.MAX_VALUE).forEach(files::add);
        }
        if (files.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this), "no JPEG or PNG images in " + imagesDir);
        }
    }

    /** Decoded and pre-processed as the worker does, all of one prepared size (one batch shape). */
    private List<Preprocessor.Prepared> prepare(LoadedModel loaded) {
        ImageDecoder decoder = new ImageDecoder();
        ColorMode mode = loaded.card().input().channels() == 1 ? ColorMode.GRAYSCALE : ColorMode.RGB;
        List<Preprocessor.Prepared> prepared = new ArrayList<>();
        for (Path file : files) {
            Preprocessor.Prepared p = loaded.preprocessor().prepare(decoder.decode(file, mode));
            if (!prepared.isEmpty() && (p.height() != prepared.get(0).height() || p.width() != prepared.get(0).width())) {
                throw new CommandLine.ParameterException(new CommandLine(this), file + " prepares to " + p.width() + "x" + p.height()
                        + ", the first image to " + prepared.get(0).width() + "x" + prepared.get(0).height() + ": use images of one size");
            }
            prepared.add(p);
        }
        return prepared;
    }

    /** The first runs of each session and batch shape (graph optimisation, memory pools) stay outside the measurements. */
    private void warmUp(ExecutorService pool, List<LoadedModel.Session> sessions, List<Preprocessor.Prepared> prepared) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (LoadedModel.Session session : sessions) {
            done.add(pool.submit(() -> {
                session.predict(prepared.subList(0, Math.min(batch, prepared.size())));
                session.predict(prepared.subList(0, 1));
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
    }

    /** Images/s of {@code threads} threads, thread t predicting images t, t+threads, .. in calls of {@code size}, {@code passes} times. */
    private double bare(ExecutorService pool, List<LoadedModel.Session> sessions, List<Preprocessor.Prepared> prepared, int size)
            throws Exception {
        long started = System.nanoTime();
        List<Future<Integer>> done = new ArrayList<>();
        for (int t = 0; t < sessions.size(); t++) {
            List<Preprocessor.Prepared> share = new ArrayList<>();
            for (int i = t; i < prepared.size(); i += sessions.size()) {
                share.add(prepared.get(i));
            }
            LoadedModel.Session session = sessions.get(t);
            done.add(pool.submit(() -> {
                int n = 0;
                for (int pass = 0; pass < passes; pass++) {
                    for (int i = 0; i < share.size(); i += size) {
                        n += session.predict(share.subList(i, Math.min(share.size(), i + size))).size();
                    }
                }
                return n;
            }));
        }
        int images = 0;
        for (Future<Integer> f : done) {
            images += f.get();
        }
        return images / ((System.nanoTime() - started) / 1e9);
    }

    /** Images/s of the real segmenter worker between its first and last committed result; {@code detail[0]} says what was counted. */
    private double worker(String[] detail) throws Exception {
        Map<String, String> topics = WorkerFixture.topics(partitions, "defective", "defects", "dlq");
        Set<String> expected = new HashSet<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (SpecificAvroSerializer<SpecificRecord> serializer = WorkerFixture.serializer()) {
            int sequence = 0;
            for (int pass = 0; pass < passes; pass++) {
                for (Path file : files) {
                    String imageId = WorkerFixture.imageId(file) + "-" + pass;
                    String coil = "bench-coil-" + sequence % COILS;
                    DefectiveImage value = SegmenterFixture.defective(imageId, coil, sequence, Files.readAllBytes(file), width, height);
                    // Spread evenly over the partitions (keys alone may not: a few coils over a few partitions).
                    records.add(new ProducerRecord<>(topics.get("defective"), sequence % partitions, coil.getBytes(StandardCharsets.UTF_8),
                            serializer.serialize(topics.get("defective"), value)));
                    expected.add(imageId);
                    sequence++;
                }
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            WorkerFixture.send(producer, records);
        }
        Map<String, String> settings = new HashMap<>();
        settings.put("COILSIGHT_TOPIC_DEFECTIVE", topics.get("defective"));
        settings.put("COILSIGHT_TOPIC_DLQ", topics.get("dlq"));
        settings.put("COILSIGHT_MODEL_DIR", model.toString());
        settings.put("COILSIGHT_MAX_BATCH_SIZE", String.valueOf(batch));
        settings.put("COILSIGHT_MAX_LINGER_MS", String.valueOf(lingerMs));
        settings.put("COILSIGHT_WORKER_THREADS", String.valueOf(threads));
        WorkerConfig config = WorkerConfig.fromEnv(WorkerFixture.env(settings), SegmenterService.DEFAULTS);
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        long firstAt = 0;
        long lastAt = 0;
        int firstCount = 0;
        String metrics;
        try (KafkaConsumer<byte[], byte[]> reader = WorkerFixture.committedReader(topics.get("defects"))) {
            reader.poll(Duration.ofMillis(500)); // joins its group before the worker starts
            try (InferenceWorker<DefectiveImage> worker = new InferenceWorker<>(config, new SegmenterStage(topics.get("defects")))) {
                long started = System.nanoTime();
                worker.start();
                long deadline = started + Duration.ofSeconds(timeoutSeconds).toNanos();
                while (seen.size() < expected.size() && System.nanoTime() < deadline && worker.healthy()) {
                    ConsumerRecords<byte[], byte[]> polled = reader.poll(Duration.ofMillis(100));
                    if (polled.isEmpty()) {
                        continue;
                    }
                    long now = System.nanoTime();
                    polled.forEach(seen::add);
                    if (firstAt == 0) {
                        firstAt = now;
                        firstCount = seen.size();
                    }
                    lastAt = now;
                }
                metrics = new String(worker.metrics().scrape(), StandardCharsets.UTF_8);
            }
            // A duplicate would show up now.
            long quiet = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < quiet) {
                reader.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        List<DefectSegmentation> segmentations = WorkerFixture.values(seen, DefectSegmentation.class);
        List<String> ids = segmentations.stream().map(DefectSegmentation::getImageId).toList();
        if (ids.size() != expected.size() || !new HashSet<>(ids).equals(expected)) {
            throw new IllegalStateException("the worker gave " + ids.size() + " results (" + new HashSet<>(ids).size() + " distinct) for "
                    + expected.size() + " images; dead letters: " + sample(metrics, "coilsight_worker_images_total", "dead_letter"));
        }
        int counted = expected.size() - firstCount;
        double seconds = (lastAt - firstAt) / 1e9;
        double batches = sample(metrics, "coilsight_worker_batch_size_count", null);
        double inference = sample(metrics, "coilsight_worker_inference_seconds_sum", null);
        double decodeMs = segmentations.stream().mapToDouble(d -> d.getTimings().getDecodeMs()).average().orElse(0);
        detail[0] = String.format(Locale.ROOT, "%d results after the first %d, in %.1f s; in the worker: mean batch %.1f, per image "
                + "%.0f ms model, %.0f ms decode + pre-processing", counted, firstCount, seconds, expected.size() / batches,
                inference * 1000 / expected.size(), decodeMs);
        return counted / seconds;
    }

    /** A sample's value in the Prometheus text of the worker's metrics (the first line of that name holding {@code label}). */
    private static double sample(String metrics, String name, String label) {
        return metrics.lines()
                .filter(l -> l.startsWith(name + "{") && (label == null || l.contains("\"" + label + "\"")))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0);
    }

    private static String line(int round, String phase, double imagesPerSecond, String detail) {
        String text = String.format(Locale.ROOT, "round %d  %-44s %8.3f images/s  (%s)", round, phase, imagesPerSecond, detail);
        System.out.println(text);
        return text;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
