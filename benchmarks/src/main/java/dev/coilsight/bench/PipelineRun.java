package dev.coilsight.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.classifier.ClassifierService;
import dev.coilsight.classifier.ClassifierStage;
import dev.coilsight.serviceruntime.cluster.ClusterSettings;
import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.ingest.IngestMetrics;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.ingest.replay.Replayer;
import dev.coilsight.cli.ProgressBar;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;
import dev.coilsight.segmenter.SegmenterService;
import dev.coilsight.segmenter.SegmenterStage;
import dev.coilsight.workerruntime.InferenceWorker;
import dev.coilsight.workerruntime.WorkerConfig;

/**
 * The production path on a real broker and registry: the ingest replay publishes {@code ImageCaptured}
 * records, the real classifier worker classifies them and forwards the defective ones, the real
 * segmenter worker segments those. A read_committed reader of the classifications and the defects
 * notes when each committed result becomes visible. An image is done when its classification is
 * visible and, if it is defective, its segmentation too; its latency is from its {@code capturedAt}
 * (set by the replay just before sending) to then.
 */
public final class PipelineRun implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PipelineRun.class);

    /**
     * One replay through the pipeline. {@code imagesPerSec} is the steady rate, from the first image done to the
     * last (as bare predict is timed after its warm-up: the pipeline's fill, one classifier batch before the
     * segmenter has work, is left out); {@code wallImagesPerSec} counts from the first image sent, fill included;
     * {@code seconds} is that wall time.
     */
    public record Result(double imagesPerSec, double seconds, int images, int defective, Percentiles.Summary latency,
                         BatchSizes classifierBatches, BatchSizes segmenterBatches, double wallImagesPerSec) {
    }

    /** What is known about one image so far; written by the reader thread only. */
    private static final class Outcome {
        volatile long capturedAt;
        volatile long classifiedAt;
        volatile boolean defective;
        volatile int classifierBatch;
        volatile long segmentedAt;
        volatile int segmenterBatch;
        volatile int classifications;
        volatile int segmentations;

        boolean done() {
            return classifications > 0 && (!defective || segmentations > 0);
        }

        long doneAt() {
            return defective ? Math.max(classifiedAt, segmentedAt) : classifiedAt;
        }
    }

    private final String bootstrapServers;
    private final String registryUrl;
    private final Map<String, String> topics;
    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bench-pipeline");
        t.setDaemon(true);
        return t;
    });
    private final InferenceWorker<ImageCaptured> classifier;
    private final InferenceWorker<DefectiveImage> segmenter;
    private final ImagePublisher publisher;
    private volatile boolean reading = true;
    private Future<?> reader;

    /**
     * Creates fresh topics and both workers (models loaded); {@link #start} starts them.
     *
     * @param topics topic names by role: images, classifications, defective, defects, dlq (created by the caller)
     */
    public PipelineRun(String bootstrapServers, String registryUrl, Map<String, String> topics, Path classifierModel,
                       Path segmenterModel, int batch, int threads, int lingerMs) throws Exception {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.topics = Map.copyOf(topics);
        this.classifier = new InferenceWorker<>(config("COILSIGHT_TOPIC_IMAGES", topics.get("images"), classifierModel, batch, threads, lingerMs,
                ClassifierService.DEFAULTS), new ClassifierStage(topics.get("classifications"), topics.get("defective")));
        this.segmenter = new InferenceWorker<>(config("COILSIGHT_TOPIC_DEFECTIVE", topics.get("defective"), segmenterModel, batch, threads, lingerMs,
                SegmenterService.DEFAULTS), new SegmenterStage(topics.get("defects")));
        this.publisher = new ImagePublisher(ClusterSettings.plain(bootstrapServers, registryUrl), topics.get("images"), Duration.ofSeconds(30), ImageLimits.DEFAULT.maxBytes());
    }

    private WorkerConfig config(String inputVariable, String input, Path model, int batch, int threads, int lingerMs,
                                WorkerConfig.Defaults defaults) {
        Map<String, String> env = new HashMap<>();
        env.put("COILSIGHT_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("COILSIGHT_SCHEMA_REGISTRY_URL", registryUrl);
        env.put("COILSIGHT_HTTP_HOST", "127.0.0.1");
        env.put("COILSIGHT_HTTP_PORT", "0");
        env.put("COILSIGHT_GROUP_ID", "bench-" + defaults.service() + "-" + UUID.randomUUID());
        env.put("COILSIGHT_TRANSACTIONAL_ID", "bench-tx-" + defaults.service() + "-" + UUID.randomUUID());
        env.put("COILSIGHT_MODEL_POLL_MS", "0");
        env.put(inputVariable, input);
        env.put("COILSIGHT_TOPIC_DLQ", topics.get("dlq"));
        env.put("COILSIGHT_MODEL_DIR", model.toString());
        env.put("COILSIGHT_MAX_BATCH_SIZE", String.valueOf(batch));
        env.put("COILSIGHT_MAX_LINGER_MS", String.valueOf(lingerMs));
        env.put("COILSIGHT_WORKER_THREADS", String.valueOf(threads));
        return WorkerConfig.fromEnv(new Env(env), defaults);
    }

    /** Starts the result reader and both workers, and waits until both have their model and partitions. */
    public void start(Duration timeout) throws InterruptedException {
        reader = background.submit(this::read);
        classifier.start();
        segmenter.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(classifier.ready() && segmenter.ready())) {
            if (System.nanoTime() > deadline || !classifier.healthy() || !segmenter.healthy()) {
                throw new IllegalStateException("the workers were not ready within " + timeout.toSeconds() + " s (classifier ready "
                        + classifier.ready() + ", segmenter ready " + segmenter.ready() + ")");
            }
            Thread.sleep(100);
        }
    }

    /**
     * Replays the files {@code passes} times at {@code rate} images/s (a huge rate = as fast as the replay can publish)
     * under coil ids starting with {@code prefix}, and waits until every image is done.
     */
    public Result replay(String prefix, List<Path> files, int passes, double rate, Duration timeout, String task) throws Exception {
        int expected = files.size() * passes;
        Replayer replayer = new Replayer(publisher, new ImageEvents(ImageLimits.DEFAULT, false), new IngestMetrics());
        Replayer.Plan plan = new Replayer.Plan(Math.min(8, files.size()), rate, prefix, "bench", null, 400, passes);
        long started = System.currentTimeMillis();
        Future<Replayer.Result> replay = background.submit(() -> replayer.replay(files, plan, null));
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Outcome> mine = List.of();
        try (ProgressBar progress = new ProgressBar(task, expected)) {
            int reported = 0;
            while (true) {
                mine = outcomes.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue).toList();
                int done = (int) mine.stream().filter(Outcome::done).count();
                progress.stepBy(done - reported);
                reported = done;
                if (done >= expected) {
                    break;
                }
                if (System.nanoTime() > deadline || !classifier.healthy() || !segmenter.healthy()) {
                    throw new IllegalStateException(task + ": " + done + " of " + expected + " images done within " + timeout.toSeconds()
                            + " s (workers healthy: " + (classifier.healthy() && segmenter.healthy()) + "; results committed: classifier "
                            + (long) classifier.metrics().resultCount() + ", segmenter " + (long) segmenter.metrics().resultCount()
                            + "; anything else went to " + topics.get("dlq") + ")");
                }
                Thread.sleep(20);
            }
        }
        Replayer.Result published = replay.get(30, TimeUnit.SECONDS);
        if (published.published() != expected) {
            throw new IllegalStateException(task + ": the replay published " + published.published() + " of " + expected + " images");
        }
        long last = mine.stream().mapToLong(Outcome::doneAt).max().orElse(started);
        double seconds = (last - started) / 1000.0;
        List<Double> latencies = new ArrayList<>();
        List<Integer> classifierBatches = new ArrayList<>();
        List<Integer> segmenterBatches = new ArrayList<>();
        int defective = 0;
        for (Outcome o : mine) {
            latencies.add((double) (o.doneAt() - o.capturedAt));
            classifierBatches.add(o.classifierBatch);
            if (o.defective) {
                segmenterBatches.add(o.segmenterBatch);
                defective++;
            }
        }
        long firstDone = mine.stream().mapToLong(Outcome::doneAt).min().orElse(started);
        // The images done at that first moment (a whole batch committed at once) are the fill, not counted, as its time is not.
        long doneFirst = mine.stream().filter(o -> o.doneAt() == firstDone).count();
        double wall = expected / seconds;
        double steady = expected > doneFirst && last > firstDone ? (expected - doneFirst) / ((last - firstDone) / 1000.0) : wall;
        return new Result(steady, seconds, expected, defective, Percentiles.summary(latencies),
                BatchSizes.fromImages(classifierBatches), BatchSizes.fromImages(segmenterBatches), wall);
    }

    /** Exactly once: after a quiet second, no image of this prefix has two classifications or two segmentations. */
    public void checkExactlyOnce(String prefix) throws InterruptedException {
        Thread.sleep(1000);
        long duplicated = outcomes.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .filter(e -> e.getValue().classifications > 1 || e.getValue().segmentations > 1).count();
        if (duplicated > 0) {
            throw new IllegalStateException(duplicated + " images of " + prefix + " have more than one result: exactly-once is broken");
        }
    }

    /** Reads committed results until closed; runs on its own thread. */
    private void read() {
        Map<String, Object> settings = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             SpecificAvroDeserializer<ImageClassified> classifications = new SpecificAvroDeserializer<>(
                     new RestSchemaRegistryClient(RegistryClientConfig.forUrl(registryUrl)), ImageClassified.class);
             SpecificAvroDeserializer<DefectSegmentation> segmentations = new SpecificAvroDeserializer<>(
                     new RestSchemaRegistryClient(RegistryClientConfig.forUrl(registryUrl)), DefectSegmentation.class)) {
            consumer.subscribe(List.of(topics.get("classifications"), topics.get("defects")));
            while (reading) {
                var polled = consumer.poll(Duration.ofMillis(50));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> record : polled) {
                    if (record.topic().equals(topics.get("classifications"))) {
                        ImageClassified c = classifications.deserialize(record.topic(), record.value());
                        Outcome o = outcomes.computeIfAbsent(c.getImageId(), id -> new Outcome());
                        o.capturedAt = c.getCapturedAt().toEpochMilli();
                        o.defective = c.getDefective();
                        o.classifierBatch = c.getTimings().getBatchSize();
                        o.classifiedAt = now;
                        o.classifications++;
                    } else {
                        DefectSegmentation s = segmentations.deserialize(record.topic(), record.value());
                        Outcome o = outcomes.computeIfAbsent(s.getImageId(), id -> new Outcome());
                        o.segmenterBatch = s.getTimings().getBatchSize();
                        o.segmentedAt = now;
                        o.segmentations++;
                    }
                }
            }
        } catch (RuntimeException e) {
            log.error("result reader failed: {}", e.toString(), e);
            throw e;
        }
    }

    @Override
    public void close() {
        reading = false;
        try {
            if (reader != null) {
                reader.get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            log.warn("result reader did not stop cleanly: {}", e.toString());
        }
        classifier.close();
        segmenter.close();
        publisher.close();
        background.shutdownNow();
    }
}
