package dev.coilsight.workerruntime;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.serviceruntime.deadletter.DeadLetters;
import dev.coilsight.serviceruntime.http.HttpFront;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.registry.SchemaRegistryClient;
import dev.coilsight.schemas.serde.AvroSerdeConfig;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;
import dev.coilsight.schemas.serde.SpecificAvroSerializer;

/**
 * An inference service: the model (hot-swappable), {@code threads} worker loops (each its own
 * consumer in the group, transactional producer and Predictor) and the health/ready/metrics endpoints.
 * {@link #close()} lets every thread finish and commit its batch in flight.
 */
public final class InferenceWorker<I extends SpecificRecord> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InferenceWorker.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkerConfig config;
    private final InferenceStage<I> stage;
    private final WorkerMetrics metrics;
    private final ModelManager models;
    private final SchemaRegistryClient registry;
    /** Read by the probes without the lock {@link #start} holds while it reads the topics' limits from a slow broker. */
    private final List<WorkerLoop<I>> loops = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger assigned = new AtomicInteger();
    private final HttpFront ops;
    private boolean closed;

    /**
     * Loads the model (failing when it cannot be used) and opens the HTTP endpoints; {@link #start()} starts consuming.
     *
     * @throws IllegalStateException when {@code COILSIGHT_REQUIRE_GPU=true} and no CUDA device is usable
     */
    public InferenceWorker(WorkerConfig config, InferenceStage<I> stage) throws IOException {
        config.maxRecordBytes(); // a bad COILSIGHT_KAFKA_MAX_REQUEST_SIZE stops the start, not the first batch
        this.config = config;
        this.stage = stage;
        boolean gpu = LoadedModel.gpuAvailable();
        log.info("{}: TensorFlow engine on {}", stage.name(), gpu ? "GPU (CUDA)" : "CPU (no CUDA device found)");
        if (config.requireGpu() && !gpu) {
            throw new IllegalStateException("COILSIGHT_REQUIRE_GPU=true but the TensorFlow engine found no CUDA device "
                    + "(it would silently run on the CPU); refusing to start");
        }
        this.metrics = new WorkerMetrics(reportedStage());
        this.models = new ModelManager(config.modelDir(), stage.task(), config.precision(), config.modelPoll(), metrics);
        models.start();
        this.registry = new RestSchemaRegistryClient(RegistryClientConfig.fromMap(config.cluster().registry()));
        this.ops = new HttpFront(reportedStage(), config.http(), this::health, this::readiness, metrics::scrape);
    }

    /**
     * The stage as metrics and dead letters name it: a shadow's is its own ({@code classifier-shadow}), so that its
     * throughput, model and failures do not add to the live stage's.
     */
    private String reportedStage() {
        return config.shadow() ? stage.name() + "-shadow" : stage.name();
    }

    public synchronized void start() {
        ops.start();
        SpecificAvroSerializer<SpecificRecord> serializer = new SpecificAvroSerializer<>(registry, new AvroSerdeConfig(config.cluster().autoRegisterSchemas()));
        List<String> written = new ArrayList<>(stage.outputTopics());
        written.add(config.dlqTopic());
        RecordLimits limits = RecordLimits.read(KafkaSettings.admin(config), config.maxRecordBytes(), written);
        log.info("{}: largest records written, by topic: {}", stage.name(), written.stream()
                .collect(Collectors.toMap(t -> t, limits::forTopic, (a, b) -> a, TreeMap::new)));
        DeadLetters deadLetters = new DeadLetters(reportedStage(), config.dlqTopic(), limits.forTopic(config.dlqTopic()));
        ImageDecoder decoder = new ImageDecoder(config.limits());
        InFlightJournal.Deaths deaths = InFlightJournal.Deaths.load(config.stateDir(), config.transactionalIdPrefix());
        for (int i = 0; i < config.threads(); i++) {
            String name = stage.name() + "-worker-" + i;
            BatchProcessor<I> processor = new BatchProcessor<>(stage, new SpecificAvroDeserializer<>(registry, stage.inputType()),
                    serializer, decoder, deadLetters, limits, config.inputBudget());
            String transactionalId = config.transactionalIdPrefix() + "-" + i;
            WorkerLoop<I> loop = new WorkerLoop<>(name, config.inputTopic(),
                    new KafkaConsumer<>(KafkaSettings.consumer(config, name, transactionalId)),
                    new KafkaProducer<>(KafkaSettings.producer(config, transactionalId)),
                    config.maxBatchSize(), config.maxLinger(), processor, new InFlightJournal(config.stateDir(), transactionalId, deaths), models,
                    metrics, assigned, config.transactionTimeout());
            Thread thread = new Thread(loop, name);
            loops.add(loop);
            threads.add(thread);
            thread.start();
        }
        log.info("{}: {} worker thread(s) reading {} (group {}, batches of up to {} within {} ms; model input budget {} px per image, "
                + "{} px per pass)", stage.name(), config.threads(), config.inputTopic(), config.groupId(), config.maxBatchSize(),
                config.maxLinger().toMillis(), config.inputBudget().maxImagePixels(), config.inputBudget().maxBatchPixels());
    }

    public ModelManager models() {
        return models;
    }

    public WorkerMetrics metrics() {
        return metrics;
    }

    public int httpPort() {
        return ops.port();
    }

    /** Whether every running worker thread has taken up the model of this generation (or a later one). */
    public boolean allThreadsOn(long generation) {
        return loops.stream().allMatch(l -> !l.alive() || l.generationInUse() >= generation);
    }

    /** Every worker thread alive (none died of a fatal error). */
    public boolean healthy() {
        return loops.stream().allMatch(WorkerLoop::alive);
    }

    /**
     * The model failed, blank input included, on {@code COILSIGHT_MODEL_FAILURE_BATCHES} batches in a row in some
     * thread: why, else empty.
     */
    public Optional<String> modelFailing() {
        return loops.stream().filter(l -> l.modelFailures() >= config.modelFailureBatches()).map(WorkerLoop::modelFailure)
                .filter(Objects::nonNull).findFirst();
    }

    /** Model loaded and working, and at least one input partition assigned. */
    public boolean ready() {
        return models.card() != null && assigned.get() > 0 && healthy() && modelFailing().isEmpty();
    }

    private HttpFront.Status health() {
        Map<String, Object> body = new LinkedHashMap<>();
        Optional<String> model = modelFailing();
        boolean up = healthy() && model.isEmpty();
        body.put("status", up ? "UP" : "DOWN");
        List<String> failures = new ArrayList<>();
        model.ifPresent(cause -> failures.add("model failing: " + cause));
        loops.stream().filter(l -> l.failure() != null).forEach(l -> failures.add(l.failure().toString()));
        if (!failures.isEmpty()) {
            body.put("failures", failures);
        }
        return new HttpFront.Status(up, json(body));
    }

    private HttpFront.Status readiness() {
        Map<String, Object> body = new LinkedHashMap<>();
        boolean up = ready();
        body.put("status", up ? "READY" : "NOT_READY");
        ModelCard card = models.card();
        body.put("model", card == null ? null : Map.of("name", card.name(), "version", card.version()));
        body.put("assignedPartitions", assigned.get());
        body.put("threads", config.threads());
        return new HttpFront.Status(up, json(body));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lets each thread finish and commit its batch in flight, then releases everything. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        loops.forEach(WorkerLoop::stop);
        for (WorkerLoop<I> loop : loops) {
            try {
                if (!loop.await(Duration.ofSeconds(60))) {
                    log.warn("{}: a worker thread did not finish its batch within 60 s", stage.name());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ops.close();
        models.close();
        registry.close();
        log.info("{} closed", stage.name());
    }
}
