package dev.coilsight.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.core.image.ColorMode;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.model.ClassifierDecision;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.TestInfrastructure;
import dev.coilsight.serviceruntime.deadletter.DeadLetters;
import dev.coilsight.workerruntime.InferenceWorker;
import dev.coilsight.workerruntime.TinyModels;
import dev.coilsight.workerruntime.WorkerFixture;

/** The classifier worker on the real broker and registry with a small exported model and real Severstal images. */
@ExtendWith(RealInfrastructureExtension.class)
class ClassifierWorkerIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    private static Path model;
    private static List<Path> images;
    /** Offline (bare Predictor) probability of each image. */
    private static Map<String, Double> offline;
    private static double threshold;

    @BeforeAll
    static void exportModel() throws IOException {
        images = WorkerFixture.streamImages(12);
        model = TinyModels.classifier(dir.resolve("cls-v1"), "tiny-cls", "1", 11, 0.5);
        offline = new TreeMap<>();
        ImageDecoder decoder = new ImageDecoder();
        try (LoadedModel loaded = LoadedModel.load(model); LoadedModel.Session session = loaded.newSession()) {
            ClassifierDecision decision = new ClassifierDecision(loaded.card());
            for (Path image : images) {
                offline.put(WorkerFixture.imageId(image), decision.classify(session, decoder.decode(image, ColorMode.GRAYSCALE), 8));
            }
        }
        // Threshold at the median: about half of the images are defective, known in advance.
        double[] sorted = offline.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        threshold = (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        ModelCard card = ModelCard.read(model);
        card.withDecision(new ModelCard.Decision(threshold, 256, 256)).write(model);
    }

    private static Map<String, String> topics() {
        return WorkerFixture.topics(3, "images", "classifications", "defective", "audit", "dlq");
    }

    @Test
    void idleConnectionsAndATricklingRequestCannotBlindTheOpsPort() throws Exception {
        try (InferenceWorker<?> worker = ClassifierWorkers.start(topics(), model, WorkerFixture.SHORT_HTTP_TIMEOUTS)) {
            WorkerFixture.assertOpsPortStaysUp(worker.httpPort());
        }
    }

    @Test
    void everyImageGetsExactlyOneClassificationTheDefectiveOnesAreForwardedOnceAndTheCleanOnesSampledForAudit() throws Exception {
        Map<String, String> topics = topics();
        Set<String> expectedDefective = offline.entrySet().stream().filter(e -> e.getValue() > threshold).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        assertThat(expectedDefective).hasSizeBetween(1, images.size() - 1);
        ClassifierStage auditingAll = new ClassifierStage(topics.get("classifications"), topics.get("defective"))
                .withAudit(new AuditSample(topics.get("audit"), 1.0));
        try (InferenceWorker<?> worker = ClassifierWorkers.start(topics, model, Map.of("COILSIGHT_WORKER_THREADS", "2", "COILSIGHT_MAX_BATCH_SIZE", "4"), auditingAll);
             KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            WorkerFixture.send(producer, WorkerFixture.imageRecords(topics.get("images"), images, 3));

            List<ConsumerRecord<byte[], byte[]>> raw = WorkerFixture.readCommitted(topics.get("classifications"), images.size(), WAIT);
            List<ImageClassified> results = WorkerFixture.values(raw, ImageClassified.class);
            assertThat(results).extracting(ImageClassified::getImageId)
                    .containsExactlyInAnyOrderElementsOf(offline.keySet());
            for (ImageClassified result : results) {
                double expected = offline.get(result.getImageId());
                assertThat((double) result.getDefectProbability()).as(result.getImageId()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5));
                assertThat(result.getDefective()).as(result.getImageId()).isEqualTo(expectedDefective.contains(result.getImageId()));
                assertThat((double) result.getThreshold()).isCloseTo(threshold, org.assertj.core.data.Offset.offset(1e-6));
                assertThat(result.getModel().getName()).isEqualTo("tiny-cls");
                assertThat(result.getModel().getVersion()).isEqualTo("1");
                assertThat(result.getTimings().getBatchSize()).isBetween(1, 4);
                assertThat(result.getCoilId()).startsWith("coil-");
            }
            // The end flag of each coil's last image travels with its classification.
            List<String> lastOfEachCoil = images.subList(images.size() - 3, images.size()).stream().map(WorkerFixture::imageId).toList();
            assertThat(results).filteredOn(ImageClassified::getCoilEnd).extracting(ImageClassified::getImageId)
                    .containsExactlyInAnyOrderElementsOf(lastOfEachCoil);
            // Keys stay the coil id, so one coil's results share a partition.
            for (ConsumerRecord<byte[], byte[]> r : raw) {
                assertThat(new String(r.key())).startsWith("coil-");
            }

            List<DefectiveImage> forwarded = WorkerFixture.values(
                    WorkerFixture.readCommitted(topics.get("defective"), expectedDefective.size(), WAIT), DefectiveImage.class);
            assertThat(forwarded).extracting(d -> d.getImage().getImageId()).containsExactlyInAnyOrderElementsOf(expectedDefective);
            for (DefectiveImage d : forwarded) {
                assertThat(d.getClassification().getImageId()).isEqualTo(d.getImage().getImageId());
                assertThat(d.getClassification().getDefective()).isTrue();
                byte[] sent = Files.readAllBytes(images.stream().filter(p -> WorkerFixture.imageId(p).equals(d.getImage().getImageId())).findFirst().orElseThrow());
                assertThat(bytes(d.getImage().getBytes())).isEqualTo(sent);
            }

            // With an audit share of 1 every image passed as clean goes to audit, once, with its classification.
            List<DefectiveImage> audited = WorkerFixture.values(
                    WorkerFixture.readCommitted(topics.get("audit"), images.size() - expectedDefective.size(), WAIT), DefectiveImage.class);
            assertThat(audited).extracting(d -> d.getImage().getImageId())
                    .containsExactlyInAnyOrderElementsOf(offline.keySet().stream().filter(id -> !expectedDefective.contains(id)).toList());
            assertThat(audited).allSatisfy(d -> assertThat(d.getClassification().getDefective()).isFalse());

            HttpClient http = HttpClient.newHttpClient();
            // Rebalances are cooperative: the second thread's partition may still be on its way (revoked from the first
            // thread, not yet assigned) when the images are done.
            dev.coilsight.testsupport.Await.until(WAIT, () -> readyAnswer(http, worker.httpPort()).contains("\"assignedPartitions\":3"),
                    "all three partitions assigned");
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + "/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"READY\"").contains("tiny-cls").contains("\"assignedPartitions\":3");
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("coilsight_worker_images_total{outcome=\"result\",stage=\"classifier\"} 12.0")
                    .contains("coilsight_worker_batch_size_count{stage=\"classifier\"}")
                    .contains("coilsight_worker_capture_to_result_seconds_count{stage=\"classifier\"} 12")
                    .contains("coilsight_worker_model_loaded{name=\"tiny-cls\",stage=\"classifier\",version=\"1\"} 1.0");
        }
    }

    @Test
    void aModelThatGivesNaNPassesNoImageAsCleanDeadLettersNothingAndSaysTheModelIsFailing() throws Exception {
        // NaN is above no threshold: taken as a probability, every image would pass as clean.
        Path diverged = TinyModels.divergedClassifier(dir.resolve("diverged"), "tiny-cls-nan", "1");
        Map<String, String> topics = topics();
        try (InferenceWorker<?> worker = ClassifierWorkers.start(topics, diverged, Map.of("COILSIGHT_WORKER_THREADS", "1",
                "COILSIGHT_MODEL_FAILURE_BATCHES", "2"));
             KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            WorkerFixture.send(producer, WorkerFixture.imageRecords(topics.get("images"), images.subList(0, 3), 3));
            WorkerFixture.await(WAIT, () -> worker.modelFailing().isPresent(), "the worker says the model is failing");
            assertThat(worker.modelFailing().get()).contains("NaN");
            assertThat(WorkerFixture.readCommitted(topics.get("classifications"), 1, Duration.ofSeconds(3))).as("nothing classified").isEmpty();
            assertThat(WorkerFixture.readCommitted(topics.get("dlq"), 1, Duration.ofSeconds(1))).as("nothing dead-lettered").isEmpty();
        }
    }

    @Test
    void poisonPillsOfEveryKindGoToTheDeadLetterTopicWithTheirOriginAndTheGoodRecordsAroundThemAreClassified() throws Exception {
        Map<String, String> topics = topics();
        String in = topics.get("images");
        byte[] jpeg = Files.readAllBytes(images.get(0));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> expectedReasons = new ArrayList<>();
        records.add(good(in, 0));
        records.add(WorkerFixture.avro(in, "coil-p", WorkerFixture.image("not-an-image", "coil-p", 1, "GET / HTTP/1.1".getBytes(), 1600, 256)));
        expectedReasons.add("NOT_AN_IMAGE");
        records.add(good(in, 1));
        records.add(WorkerFixture.avro(in, "coil-p", WorkerFixture.image("truncated", "coil-p", 2, Arrays.copyOf(jpeg, jpeg.length * 6 / 10), 1600, 256)));
        expectedReasons.add("CORRUPT");
        records.add(WorkerFixture.avro(in, "coil-p", WorkerFixture.image("bomb", "coil-p", 3, pngClaiming(30000, 30000), 30000, 30000)));
        expectedReasons.add("TOO_LARGE");
        records.add(good(in, 2));
        records.add(WorkerFixture.raw(in, "coil-p", new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 2, 4, 6}));
        expectedReasons.add("UNKNOWN_SCHEMA");
        records.add(WorkerFixture.raw(in, "coil-p", "{\"imageId\":\"json, not avro\"}".getBytes()));
        expectedReasons.add("NOT_CONFLUENT_AVRO");
        records.add(WorkerFixture.avro(in, "coil-p", WorkerFixture.image("tiny", "coil-p", 4, png(100, 80), 100, 80)));
        expectedReasons.add("MODEL_INPUT");
        records.add(good(in, 3));

        try (InferenceWorker<?> worker = ClassifierWorkers.start(topics, model, Map.of("COILSIGHT_MAX_BATCH_SIZE", "4"));
             KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            List<Long> offsets = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                offsets.add(producer.send(r).get().offset());
            }
            List<ImageClassified> results = WorkerFixture.values(WorkerFixture.readCommitted(topics.get("classifications"), 4, WAIT),
                    ImageClassified.class);
            assertThat(results).extracting(ImageClassified::getImageId)
                    .containsExactly(WorkerFixture.imageId(images.get(0)), WorkerFixture.imageId(images.get(1)),
                            WorkerFixture.imageId(images.get(2)), WorkerFixture.imageId(images.get(3)));

            List<ConsumerRecord<byte[], byte[]>> dead = WorkerFixture.readCommitted(topics.get("dlq"), expectedReasons.size(), WAIT);
            assertThat(dead).extracting(r -> WorkerFixture.header(r, DeadLetters.REASON)).containsExactlyElementsOf(expectedReasons);
            int[] poisonIndexes = {1, 3, 4, 6, 7, 8};
            for (int i = 0; i < dead.size(); i++) {
                ConsumerRecord<byte[], byte[]> d = dead.get(i);
                ProducerRecord<byte[], byte[]> original = records.get(poisonIndexes[i]);
                assertThat(WorkerFixture.header(d, DeadLetters.STAGE)).isEqualTo("classifier");
                assertThat(WorkerFixture.header(d, DeadLetters.SOURCE_TOPIC)).isEqualTo(in);
                assertThat(WorkerFixture.header(d, DeadLetters.SOURCE_OFFSET)).isEqualTo(String.valueOf(offsets.get(poisonIndexes[i])));
                assertThat(WorkerFixture.header(d, DeadLetters.SOURCE_PARTITION)).matches("[0-2]");
                assertThat(WorkerFixture.header(d, DeadLetters.ERROR_CLASS)).isNotBlank();
                assertThat(WorkerFixture.header(d, DeadLetters.ERROR_MESSAGE)).isNotBlank();
                assertThat(d.value()).as("original bytes").isEqualTo(original.value());
                assertThat(d.key()).isEqualTo(original.key());
            }
            assertThat(WorkerFixture.header(dead.get(0), DeadLetters.ERROR_CLASS)).isEqualTo("dev.coilsight.core.image.ImageRejectedException");
            assertThat(WorkerFixture.header(dead.get(1), DeadLetters.ERROR_CLASS)).isEqualTo("dev.coilsight.core.image.ImageDecodeException");
            assertThat(WorkerFixture.header(dead.get(3), DeadLetters.ERROR_MESSAGE)).contains("2147483632");
            assertThat(WorkerFixture.header(dead.get(4), DeadLetters.ERROR_MESSAGE)).contains("magic byte 0x7b");
            assertThat(WorkerFixture.header(dead.get(5), DeadLetters.ERROR_MESSAGE)).contains("smaller than the classifier's 256x256 window");
            assertThat(WorkerFixture.header(dead.get(5), DeadLetters.MODEL)).isEqualTo("tiny-cls:1");
            assertThat(worker.metrics().deadLetterCount("UNKNOWN_SCHEMA")).isEqualTo(1.0);
        }
    }

    @Test
    void aResultTooLargeForTheProducerIsDeadLetteredInsteadOfStallingThePartition() throws Exception {
        Map<String, String> topics = topics();
        long limit = limitBetweenDefectiveImageSizes();
        assertTooLargeResultsDeadLettered(topics, limit, Map.of("COILSIGHT_KAFKA_MAX_REQUEST_SIZE", String.valueOf(limit)), true);
    }

    @Test
    void aResultTooLargeForTheOutputTopicsMaxMessageBytesIsDeadLetteredThoughTheProducerCouldSendIt() throws Exception {
        Map<String, String> topics = topics();
        long limit = limitBetweenDefectiveImageSizes();
        try (Admin admin = TestInfrastructure.kafka().admin()) {
            ConfigResource defective = new ConfigResource(ConfigResource.Type.TOPIC, topics.get("defective"));
            admin.incrementalAlterConfigs(Map.of(defective, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(limit)), AlterConfigOp.OpType.SET)))).all().get();
        }
        // The producer may send 8 MiB (as k8s sets the segmenter's): only the broker's topic limit would refuse.
        // The dead-letter topic keeps the broker's default limit, which the image fits: its dead letter carries it.
        assertTooLargeResultsDeadLettered(topics, limit, Map.of("COILSIGHT_KAFKA_MAX_REQUEST_SIZE", String.valueOf(8 << 20)), false);
    }

    /** A limit between the defective images' sizes: the larger ones cannot be forwarded as DefectiveImage records. */
    private long limitBetweenDefectiveImageSizes() {
        List<Path> defectiveImages = defectiveImagesBySize();
        assertThat(defectiveImages.size()).isGreaterThanOrEqualTo(2);
        // Between two neighbouring sizes at least 4 KB apart, so that the record framing (under 2 KB) cannot blur the split.
        long limit = -1;
        for (int i = 0; i + 1 < defectiveImages.size() && limit < 0; i++) {
            long a = defectiveImages.get(i).toFile().length();
            long b = defectiveImages.get(i + 1).toFile().length();
            if (b - a >= 4096) {
                limit = a + (b - a) / 2;
            }
        }
        assertThat(limit).as("two defective images of clearly different sizes").isPositive();
        return limit;
    }

    private List<Path> defectiveImagesBySize() {
        return images.stream().filter(p -> offline.get(WorkerFixture.imageId(p)) > threshold)
                .sorted(java.util.Comparator.comparingLong(p -> p.toFile().length())).toList();
    }

    /** @param valueOmitted whether the dead letters are over the limit too (then they name the source offset instead of carrying the value) */
    private void assertTooLargeResultsDeadLettered(Map<String, String> topics, long split, Map<String, String> settings, boolean valueOmitted)
            throws Exception {
        Set<String> tooLarge = defectiveImagesBySize().stream().filter(p -> p.toFile().length() > split)
                .map(WorkerFixture::imageId).collect(Collectors.toSet());
        assertThat(tooLarge).isNotEmpty().hasSizeLessThan(defectiveImagesBySize().size());
        try (InferenceWorker<?> worker = ClassifierWorkers.start(topics, model, settings);
             KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            WorkerFixture.send(producer, WorkerFixture.imageRecords(topics.get("images"), images, 3));
            int expectedResults = images.size() - tooLarge.size();
            List<ImageClassified> results = WorkerFixture.values(WorkerFixture.readCommitted(topics.get("classifications"), expectedResults, WAIT),
                    ImageClassified.class);
            assertThat(results).extracting(ImageClassified::getImageId).doesNotContainAnyElementsOf(tooLarge).hasSize(expectedResults);
            List<ConsumerRecord<byte[], byte[]>> dead = WorkerFixture.readCommitted(topics.get("dlq"), tooLarge.size(), WAIT);
            assertThat(dead).extracting(r -> WorkerFixture.header(r, DeadLetters.REASON)).containsOnly("TOO_LARGE");
            assertThat(dead).extracting(r -> WorkerFixture.header(r, DeadLetters.ERROR_MESSAGE)).allMatch(m -> m.contains("DefectiveImage")
                    && m.contains("COILSIGHT_KAFKA_MAX_REQUEST_SIZE"));
            for (ConsumerRecord<byte[], byte[]> d : dead) {
                assertThat(WorkerFixture.header(d, DeadLetters.SOURCE_TOPIC)).isEqualTo(topics.get("images"));
                if (valueOmitted) {
                    // The input is as large as the result it could not make: the dead letter keeps key and headers, and names the
                    // offset where the value stays readable.
                    assertThat(d.value()).isNull();
                    assertThat(Long.parseLong(WorkerFixture.header(d, DeadLetters.VALUE_OMITTED))).isGreaterThan(split - 2048);
                } else {
                    assertThat(WorkerFixture.values(List.of(d), ImageCaptured.class).get(0).getImageId()).isIn(tooLarge);
                    assertThat(WorkerFixture.header(d, DeadLetters.VALUE_OMITTED)).isNull();
                }
            }
        }
    }

    @Test
    void aNewModelIsTakenUpBetweenBatchesWithoutLosingRecordsAndEveryResultNamesItsVersion() throws Exception {
        Map<String, String> topics = topics();
        Path v2 = TinyModels.classifier(dir.resolve("swap-v2"), "tiny-cls", "2", 11, -1.0); // everything defective
        Path link = dir.resolve("current-" + System.nanoTime());
        Files.createSymbolicLink(link, model);
        try (InferenceWorker<?> worker = ClassifierWorkers.start(topics, link, Map.of("COILSIGHT_WORKER_THREADS", "2"));
             KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            List<Path> first = images.subList(0, 4);
            WorkerFixture.send(producer, WorkerFixture.imageRecords(topics.get("images"), first, 2));
            WorkerFixture.await(WAIT, () -> worker.metrics().resultCount() >= 4, "the first 4 images are classified");

            // Repoint the link atomically, as a deployment would.
            Path tmp = dir.resolve("next-" + System.nanoTime());
            Files.createSymbolicLink(tmp, v2);
            Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            long before = worker.models().generation();
            assertThat(worker.models().check()).isTrue();
            long afterLink = worker.models().generation();
            assertThat(afterLink).isGreaterThan(before);
            WorkerFixture.await(WAIT, () -> worker.allThreadsOn(afterLink), "every thread uses version 2");
            List<Path> second = images.subList(4, 8);
            WorkerFixture.send(producer, WorkerFixture.imageRecords(topics.get("images"), second, 2));
            WorkerFixture.await(WAIT, () -> worker.metrics().resultCount() >= 8, "the next 4 images are classified");

            // Same directory, model.json rewritten with a new version (threshold 2: nothing is defective).
            ModelCard card = ModelCard.read(v2);
            new ModelCard(card.name(), "3", card.task(), card.signature(), card.input(), card.outputName(), card.classes(),
                    new ModelCard.Decision(2.0, 256, 256), card.architecture(), card.training(), card.metrics()).write(v2);
            // A segmenter is refused: the classifier keeps serving.
            Path segmenter = TinyModels.segmenter(dir.resolve("not-a-classifier"), "tiny-seg", "9", 3, 8);
            assertThat(worker.models().pointTo(segmenter)).isFalse();
            assertThat(worker.models().card().version()).isEqualTo("2");
            assertThat(worker.models().pointTo(link)).isTrue();
            long afterCard = worker.models().generation();
            WorkerFixture.await(WAIT, () -> worker.allThreadsOn(afterCard), "every thread uses version 3");
            List<Path> third = images.subList(8, 12);
            WorkerFixture.send(producer, WorkerFixture.imageRecords(topics.get("images"), third, 2));

            List<ImageClassified> results = WorkerFixture.values(WorkerFixture.readCommitted(topics.get("classifications"), 12, WAIT),
                    ImageClassified.class);
            assertThat(results).hasSize(12);
            Map<String, ImageClassified> byId = results.stream().collect(Collectors.toMap(ImageClassified::getImageId, r -> r));
            assertThat(byId).hasSize(12);
            for (Path p : first) {
                assertThat(byId.get(WorkerFixture.imageId(p)).getModel().getVersion()).isEqualTo("1");
            }
            for (Path p : second) {
                ImageClassified r = byId.get(WorkerFixture.imageId(p));
                assertThat(r.getModel().getVersion()).isEqualTo("2");
                assertThat(r.getDefective()).isTrue();
            }
            for (Path p : third) {
                ImageClassified r = byId.get(WorkerFixture.imageId(p));
                assertThat(r.getModel().getVersion()).isEqualTo("3");
                assertThat(r.getDefective()).isFalse();
                assertThat(r.getThreshold()).isEqualTo(2.0f);
            }
            Set<String> forwarded = new HashSet<>();
            WorkerFixture.values(WorkerFixture.readCommitted(topics.get("defective"), 4, Duration.ofSeconds(10)), DefectiveImage.class)
                    .forEach(d -> assertThat(forwarded.add(d.getImage().getImageId())).isTrue());
            assertThat(forwarded).containsAll(second.stream().map(WorkerFixture::imageId).toList());
            assertThat(forwarded).doesNotContainAnyElementsOf(third.stream().map(WorkerFixture::imageId).toList());
        }
    }

    private static ProducerRecord<byte[], byte[]> good(String topic, int i) throws IOException {
        return WorkerFixture.avro(topic, "coil-p", WorkerFixture.image(WorkerFixture.imageId(images.get(i)), "coil-p", 10 + i,
                Files.readAllBytes(images.get(i)), 1600, 256));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static byte[] png(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** A PNG whose header claims {@code width x height} pixels (a decompression bomb's header). */
    private static byte[] pngClaiming(int width, int height) throws IOException {
        byte[] png = png(8, 8);
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, width).putInt(20, height);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(png, 12, 17); // "IHDR" + 13 bytes of header
        b.putInt(29, (int) crc.getValue());
        return png;
    }

    /** The body of /ready, or "" while it cannot be read. */
    private static String readyAnswer(HttpClient http, int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
