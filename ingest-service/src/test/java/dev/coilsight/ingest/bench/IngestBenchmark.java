package dev.coilsight.ingest.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.sun.net.httpserver.HttpServer;

import dev.coilsight.image.ImageLimits;
import dev.coilsight.ingest.IngestMetrics;
import dev.coilsight.ingest.http.IngestHttpServer;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImageMetadata;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.testsupport.TestInfrastructure;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How many real ~300 KB images per second the HTTP endpoint gets acknowledged on loopback, against a
 * bare Kafka producer sending the same bytes with the same settings (idempotent, acks=all), in one run.
 * Not a test: run it by hand (README, "Ingest"). Starts the in-process broker and Apicurio registry of
 * test-support unless given a broker and registry.
 *
 * <p>Phases, each on a fresh topic, measured after a warm-up, alternated over rounds:
 * <ol>
 *   <li>raw producer, pipelined: one thread, up to {@code --window} records in flight (the broker's ceiling for one producer)</li>
 *   <li>raw producer, {@code --clients} threads that each send and wait for the acknowledgement</li>
 *   <li>ImagePublisher, {@code --clients} threads: image check + Avro + send-and-wait, no HTTP</li>
 *   <li>HTTP: {@code --clients} java.net.http clients posting raw image bodies to the ingest server</li>
 *   <li>HTTP null: the same clients and JDK server, whose handler only reads the body: the HTTP stack's own cost</li>
 * </ol>
 * Each round compares HTTP with the faster raw variant of that round; the median over rounds is the headline.
 * MB are 10^6 bytes of image payload (the Avro envelope adds about 100 bytes per record).
 */
@Command(name = "ingest-bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "HTTP ingest throughput vs the raw Kafka producer for the same image bytes.")
public final class IngestBenchmark implements Callable<Integer> {

    private static final String TOKEN = "bench-token";
    private static final int COILS = 8;

    @Option(names = "--images", paramLabel = "DIR", description = "Folder of JPEG/PNG images (default: ../shared/data/severstal-sample/train_images).")
    Path imagesDir;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured seconds per phase (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up seconds before each measurement (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", defaultValue = "2", description = "Rounds over all phases (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup-rounds", defaultValue = "1",
            description = "Rounds over all phases run first and not counted: the JIT warms up every path (default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent HTTP clients / sending threads (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--http-threads", defaultValue = "16", description = "Server worker threads, as COILSIGHT_HTTP_THREADS (default: ${DEFAULT-VALUE}).")
    int httpThreads;

    @Option(names = "--window", defaultValue = "64", description = "Records in flight of the pipelined raw producer (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of each benchmark topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--phases", split = ",", defaultValue = "raw,raw-sync,publisher,http,http-null",
            description = "Phases to run, of raw, raw-sync, publisher, http, http-null (default: ${DEFAULT-VALUE}).")
    List<String> phases;

    @Option(names = "--bootstrap-servers", description = "Use this broker instead of starting one in-process.")
    String bootstrapServers;

    @Option(names = "--registry", description = "Confluent-compatible registry URL to use instead of starting Apicurio.")
    String registry;

    @Option(names = "--out", description = "Also append the results to this file.")
    Path out;

    private List<byte[]> images;
    private Admin admin;

    public static void main(String[] args) {
        // As IngestHttpServer does, for the body-discarding server too (even when it runs first): no Nagle.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int exit = new CommandLine(new IngestBenchmark()).execute(args);
        TestInfrastructure.shutdown();
        System.exit(exit);
    }

    /** What one phase measured inside its window. */
    record Measurement(String phase, int round, long images, long bytes, double seconds, long errors, long[] latenciesNanos) {
        double imagesPerSecond() {
            return images / seconds;
        }

        double megabytesPerSecond() {
            return bytes / 1e6 / seconds;
        }

        String latency() {
            if (latenciesNanos.length == 0) {
                return "";
            }
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            return String.format(Locale.ROOT, "  latency p50 %.1f ms, p99 %.1f ms", percentile(sorted, 0.50) / 1e6,
                    percentile(sorted, 0.99) / 1e6);
        }

        private static long percentile(long[] sorted, double p) {
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
        }

        String line() {
            return String.format(Locale.ROOT, "round %d  %-44s %8.1f images/s %8.1f MB/s  (%d images in %.1f s, %d errors)%s",
                    round, phase, imagesPerSecond(), megabytesPerSecond(), images, seconds, errors, latency());
        }
    }

    /** Counts acknowledged images; only those completing inside the measurement window count. */
    private static final class Meter {
        final AtomicLong images = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        volatile boolean measuring;
        volatile boolean stopped;

        /** One image's outcome, sent at {@code sentNanos}. */
        void completed(boolean acked, int size, long sentNanos) {
            if (!measuring) {
                return;
            }
            if (acked) {
                images.incrementAndGet();
                bytes.addAndGet(size);
                latencies.add(System.nanoTime() - sentNanos);
            } else {
                errors.incrementAndGet();
            }
        }
    }

    /** A phase's senders: started on a fresh topic, told to stop through the meter, then closed. */
    private interface Driver extends AutoCloseable {
        void start(String topic, Meter meter);

        @Override
        void close();
    }

    @Override
    public Integer call() throws Exception {
        loadImages();
        if (bootstrapServers == null) {
            bootstrapServers = TestInfrastructure.kafka().bootstrapServers();
        }
        if (registry == null) {
            registry = TestInfrastructure.registry().ccompatUrl();
        }
        admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        List<String> report = new ArrayList<>();
        long total = images.stream().mapToLong(b -> b.length).sum();
        report.add(String.format(Locale.ROOT, "ingest benchmark %s: %d images from %s, mean %.0f KB (%d..%d KB); %d clients, "
                        + "%d server threads, %d partitions, %d s measured after %d s warm-up per phase, %d rounds after %d warm-up rounds; %d CPUs",
                Instant.now(), images.size(), imagesDir, total / 1e3 / images.size(),
                images.stream().mapToInt(b -> b.length).min().orElse(0) / 1000,
                images.stream().mapToInt(b -> b.length).max().orElse(0) / 1000,
                clients, httpThreads, partitions, seconds, warmup, rounds, warmupRounds, Runtime.getRuntime().availableProcessors()));
        System.out.println(report.get(0));
        List<Measurement> all = new ArrayList<>();
        try {
            for (int round = 1 - warmupRounds; round <= rounds; round++) {
                if (phases.contains("raw")) {
                    all.add(run(round, "raw producer, pipelined (window " + window + ")", new RawPipelined()));
                }
                if (phases.contains("raw-sync")) {
                    all.add(run(round, "raw producer, " + clients + " threads send+wait", new RawSync()));
                }
                if (phases.contains("publisher")) {
                    all.add(run(round, "ImagePublisher, " + clients + " threads (no HTTP)", new PublisherSync()));
                }
                if (phases.contains("http")) {
                    all.add(run(round, "HTTP POST, " + clients + " clients", new Http()));
                }
                if (phases.contains("http-null")) {
                    all.add(run(round, "HTTP POST to a body-discarding server (no Kafka)", new HttpNull()));
                }
            }
        } finally {
            admin.close();
        }
        all.removeIf(m -> m.round() < 1); // warm-up rounds (numbered 0, -1, ..) are printed as they run, not counted
        all.forEach(m -> report.add(m.line()));
        // Per round, HTTP against the faster raw producer variant of that round (the two ran seconds apart,
        // under the same load); the median over rounds is the headline.
        List<Double> ratios = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            int r = round;
            Optional<Measurement> raw = all.stream().filter(m -> m.round() == r && m.phase().startsWith("raw producer"))
                    .max(java.util.Comparator.comparingDouble(Measurement::megabytesPerSecond));
            Optional<Measurement> http = all.stream().filter(m -> m.round() == r && m.phase().startsWith("HTTP")).findFirst();
            if (raw.isPresent() && http.isPresent()) {
                double ratio = http.get().megabytesPerSecond() / raw.get().megabytesPerSecond();
                ratios.add(ratio);
                report.add(String.format(Locale.ROOT, "round %d  HTTP %.1f images/s %.1f MB/s vs raw producer (%s) %.1f images/s %.1f MB/s: "
                                + "HTTP/raw = %.2f", r, http.get().imagesPerSecond(), http.get().megabytesPerSecond(),
                        raw.get().phase().substring("raw producer, ".length()), raw.get().imagesPerSecond(),
                        raw.get().megabytesPerSecond(), ratio));
            }
        }
        if (!ratios.isEmpty()) {
            List<Double> sorted = ratios.stream().sorted().toList();
            double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
            report.add(String.format(Locale.ROOT, "HTTP/raw producer, median over %d rounds: %.2f (min %.2f, max %.2f; target >= 0.80)",
                    ratios.size(), median, sorted.get(0), sorted.get(sorted.size() - 1)));
        }
        System.out.println();
        report.forEach(System.out::println);
        if (out != null) {
            Files.writeString(out, String.join("\n", report) + "\n\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        long errors = all.stream().mapToLong(Measurement::errors).sum();
        return errors == 0 ? 0 : 1;
    }

    private void loadImages() throws IOException {
        if (imagesDir == null) {
            imagesDir = SharedData.root().resolve("severstal-sample").resolve("train_images");
        }
        ImageEvents check = new ImageEvents(ImageLimits.DEFAULT, false);
        List<byte[]> loaded = new ArrayList<>();
        try (Stream<Path> files = Files.list(imagesDir)) {
            for (Path file : files.sorted().toList()) {
                byte[] bytes = Files.readAllBytes(file);
                check.build("check", new ImageMetadata("coil", "cam", 0, Instant.now(), null, null), bytes); // refuses non-images
                loaded.add(bytes);
            }
        }
        if (loaded.isEmpty()) {
            throw new IllegalArgumentException("no images in " + imagesDir);
        }
        images = loaded;
    }

    private Measurement run(int round, String phase, Driver driver) throws Exception {
        String topic = "bench-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        awaitWritable(topic);
        Meter meter = new Meter();
        Measurement result;
        try (driver) {
            driver.start(topic, meter);
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
            long started = System.nanoTime();
            meter.measuring = true;
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            meter.measuring = false;
            double elapsed = (System.nanoTime() - started) / 1e9;
            meter.stopped = true;
            result = new Measurement(phase, round, meter.images.get(), meter.bytes.get(), elapsed, meter.errors.get(),
                    meter.latencies.stream().mapToLong(Long::longValue).toArray());
        }
        admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        System.out.println(result.line());
        return result;
    }

    /**
     * Returns once every partition of a new topic has taken a record. Producing at once can get
     * NOT_LEADER_OR_FOLLOWER (the broker has not applied its leadership yet), after which an idempotent
     * producer with 5 requests in flight spends seconds retrying OUT_OF_ORDER_SEQUENCE_NUMBER: a stall that
     * belongs to topic creation, not to throughput. A plain producer's retries ride that out.
     */
    private void awaitWritable(String topic) throws Exception {
        java.util.Map<String, Object> configs = java.util.Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> probe = new KafkaProducer<>(configs, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int partition = 0; partition < partitions; partition++) {
                probe.send(new ProducerRecord<>(topic, partition, null, new byte[0])).get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static String coil(long i) {
        return "bench-coil-" + (i % COILS);
    }

    private static String contentType(byte[] image) {
        return image.length > 0 && (image[0] & 0xff) == 0x89 ? "image/png" : "image/jpeg";
    }

    private KafkaProducer<String, byte[]> rawProducer() {
        return new KafkaProducer<>(ImagePublisher.producerSettings(bootstrapServers, Duration.ofSeconds(30), ImageLimits.DEFAULT.maxBytes()),
                new StringSerializer(), new ByteArraySerializer());
    }

    private ImagePublisher publisher(String topic) {
        return new ImagePublisher(bootstrapServers, ImagePublisher.registryConfig(registry, Optional.empty()), true, topic,
                Duration.ofSeconds(30), ImageLimits.DEFAULT.maxBytes());
    }

    /** Threads running {@code body(threadIndex)} until the meter says stop. */
    private static List<Thread> startThreads(int count, String name, java.util.function.IntConsumer body) {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < count; t++) {
            int index = t;
            Thread thread = new Thread(() -> body.accept(index), name + "-" + t);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        return threads;
    }

    private static void join(List<Thread> threads) {
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private final class RawPipelined implements Driver {
        private final KafkaProducer<String, byte[]> producer = rawProducer();
        private List<Thread> threads = List.of();

        @Override
        public void start(String topic, Meter meter) {
            Semaphore inFlight = new Semaphore(window);
            threads = startThreads(1, "raw-pipelined", t -> {
                for (long i = 0; !meter.stopped; i++) {
                    inFlight.acquireUninterruptibly();
                    byte[] image = images.get((int) (i % images.size()));
                    long sent = System.nanoTime();
                    producer.send(new ProducerRecord<>(topic, coil(i), image), (metadata, error) -> {
                        inFlight.release();
                        meter.completed(error == null, image.length, sent);
                    });
                }
            });
        }

        @Override
        public void close() {
            join(threads);
            producer.close(Duration.ofSeconds(30));
        }
    }

    /** {@code --clients} threads, each sending one image and waiting for its acknowledgement, round-robin over the images. */
    private abstract class SendAndWait implements Driver {
        private final String name;
        private List<Thread> threads = List.of();

        SendAndWait(String name) {
            this.name = name;
        }

        /** Before the threads start. */
        void open(String topic) {
        }

        /** Sends image number {@code i} and waits for its acknowledgement; false or an exception counts as an error. */
        abstract boolean sendAndWait(String topic, long i, byte[] image) throws Exception;

        /** After the threads ended. */
        void release() {
        }

        @Override
        public void start(String topic, Meter meter) {
            open(topic);
            threads = startThreads(clients, name, t -> {
                for (long i = t; !meter.stopped; i += clients) {
                    byte[] image = images.get((int) (i % images.size()));
                    long sent = System.nanoTime();
                    boolean acked;
                    try {
                        acked = sendAndWait(topic, i, image);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (Exception e) {
                        acked = false;
                    }
                    meter.completed(acked, image.length, sent);
                }
            });
        }

        @Override
        public void close() {
            join(threads);
            release();
        }
    }

    private final class RawSync extends SendAndWait {
        private final KafkaProducer<String, byte[]> producer = rawProducer();

        RawSync() {
            super("raw-sync");
        }

        @Override
        boolean sendAndWait(String topic, long i, byte[] image) throws Exception {
            producer.send(new ProducerRecord<>(topic, coil(i), image)).get();
            return true;
        }

        @Override
        void release() {
            producer.close(Duration.ofSeconds(30));
        }
    }

    private final class PublisherSync extends SendAndWait {
        private final ImageEvents events = new ImageEvents(ImageLimits.DEFAULT, false);
        private ImagePublisher publisher;

        PublisherSync() {
            super("publisher");
        }

        @Override
        void open(String topic) {
            publisher = publisher(topic);
        }

        @Override
        boolean sendAndWait(String topic, long i, byte[] image) {
            ImageMetadata metadata = new ImageMetadata(coil(i), "bench", i, Instant.now(), null, null);
            publisher.publish(events.build(UUID.randomUUID().toString(), metadata, image), "bench");
            return true;
        }

        @Override
        void release() {
            publisher.close();
        }
    }

    /** {@code --clients} java.net.http clients posting the images as raw bodies to a server of the subclass. */
    private abstract class HttpClients extends SendAndWait {
        private final ThreadLocal<HttpClient> client = ThreadLocal.withInitial(
                () -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
        private URI base;

        HttpClients() {
            super("http-client");
        }

        /** Starts the server; returns its port. */
        abstract int startServer(String topic) throws IOException;

        @Override
        void open(String topic) {
            try {
                base = URI.create("http://127.0.0.1:" + startServer(topic) + "/v1/coils/");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        boolean sendAndWait(String topic, long i, byte[] image) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(coil(i) + "/images"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", contentType(image))
                    .header("X-Sequence", Long.toString(i))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                    .build();
            HttpResponse<String> response = client.get().send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                System.err.println("HTTP " + response.statusCode() + ": " + response.body());
            }
            return response.statusCode() == 202;
        }
    }

    /** The ingest HTTP server, publishing every upload. */
    private final class Http extends HttpClients {
        private ImagePublisher publisher;
        private IngestHttpServer server;

        @Override
        int startServer(String topic) throws IOException {
            publisher = publisher(topic);
            ImageLimits limits = ImageLimits.DEFAULT;
            server = new IngestHttpServer(new IngestHttpServer.Settings("127.0.0.1", 0, httpThreads, Optional.of(TOKEN),
                    limits.maxBytes(), "bench"), new ImageEvents(limits, false), publisher, new IngestMetrics(), () -> true);
            server.start();
            return server.port();
        }

        @Override
        void release() {
            server.close();
            publisher.close();
        }
    }

    /** The same JDK HTTP server and clients, but the handler only reads the body and answers 202: the HTTP stack's own ceiling. */
    private final class HttpNull extends HttpClients {
        private HttpServer server;
        private ExecutorService executor;

        @Override
        int startServer(String topic) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            executor = Executors.newFixedThreadPool(httpThreads);
            server.setExecutor(executor);
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    byte[] answer = "{}".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(202, answer.length);
                    exchange.getResponseBody().write(answer);
                }
            });
            server.start();
            return server.getAddress().getPort();
        }

        @Override
        void release() {
            server.stop(1);
            executor.shutdown();
        }
    }
}
