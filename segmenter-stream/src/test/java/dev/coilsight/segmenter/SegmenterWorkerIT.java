package dev.coilsight.segmenter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.image.ColorMode;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.trainer.evaluate.Evaluator;
import dev.coilsight.serviceruntime.deadletter.DeadLetters;
import dev.coilsight.workerruntime.InferenceWorker;
import dev.coilsight.workerruntime.TinyModels;
import dev.coilsight.workerruntime.WorkerConfig;
import dev.coilsight.workerruntime.WorkerFixture;

/** The segmenter worker on the real broker and registry, against offline evaluation of the same model on the Severstal sample. */
@ExtendWith(RealInfrastructureExtension.class)
class SegmenterWorkerIT {

    private static final Duration WAIT = Duration.ofSeconds(180);

    @TempDir
    static Path dir;
    private static Path model;
    private static Path sample;
    private static List<Path> files;

    @BeforeAll
    static void exportModel() throws IOException {
        sample = SharedData.require("severstal-sample");
        try (Stream<Path> list = Files.list(sample.resolve("train_images"))) {
            files = list.sorted().toList();
        }
        model = TinyModels.segmenter(dir.resolve("seg"), "tiny-seg", "5", 21, 8);
        // Per-class thresholds at the 99.5th percentile of the model's outputs on two images: masks of a
        // few thousand pixels, as real defects are, instead of noise around 0.5.
        ModelCard card = ModelCard.read(model);
        int k = card.classes().size();
        List<float[]> perClass = new ArrayList<>();
        try (LoadedModel loaded = LoadedModel.load(model); LoadedModel.Session session = loaded.newSession()) {
            Preprocessor pre = loaded.preprocessor();
            List<Preprocessor.Prepared> inputs = new ArrayList<>();
            for (Path f : files.subList(0, 2)) {
                inputs.add(pre.prepare(new ImageDecoder().decode(f, ColorMode.GRAYSCALE)));
            }
            List<float[]> outputs = session.predict(inputs);
            for (int c = 0; c < k; c++) {
                float[] values = new float[outputs.size() * outputs.get(0).length / k];
                int n = 0;
                for (float[] out : outputs) {
                    for (int i = c; i < out.length; i += k) {
                        values[n++] = out[i];
                    }
                }
                Arrays.sort(values);
                perClass.add(values);
            }
        }
        List<ModelCard.ClassSpec> classes = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            float[] v = perClass.get(c);
            ModelCard.ClassSpec spec = card.classes().get(c);
            classes.add(new ModelCard.ClassSpec(spec.id(), spec.name(), v[(int) (v.length * 0.995)], 20));
        }
        card.withClasses(classes).write(model);
    }

    @Test
    void idleConnectionsAndATricklingRequestCannotBlindTheOpsPort() throws Exception {
        Path model = TinyModels.segmenter(dir.resolve("slow-clients"), "tiny-seg", "1", 21, 8);
        try (InferenceWorker<DefectiveImage> worker = worker(WorkerFixture.topics(1, "defective", "defects", "dlq"), model,
                WorkerFixture.SHORT_HTTP_TIMEOUTS)) {
            WorkerFixture.assertOpsPortStaysUp(worker.httpPort());
        }
    }

    /**
     * Cards that do not match their network: one feeds three channels to a one-channel network (every forward pass
     * fails, a blank one too); one names a fifth class the network has no output for (every forward pass works, and
     * every output has the wrong length for the card).
     */
    @ParameterizedTest
    @ValueSource(strings = {"three input channels", "a fifth class"})
    void aModelThatFailsOnEverythingDeadLettersNothingReportsItsCauseAndTheRecordsWaitForAWorkingModel(String cardSays) throws Exception {
        Path broken = TinyModels.segmenter(dir.resolve("broken-" + cardSays.replace(' ', '-')), "tiny-seg-broken", "1", 21, 8);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode card = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(
                broken.resolve("model.json").toFile());
        if (cardSays.equals("three input channels")) {
            com.fasterxml.jackson.databind.node.ObjectNode input = (com.fasterxml.jackson.databind.node.ObjectNode) card.get("input");
            input.put("channels", 3);
            input.putArray("mean").add(0.0).add(0.0).add(0.0);
            input.putArray("std").add(1.0).add(1.0).add(1.0);
        } else {
            ((com.fasterxml.jackson.databind.node.ArrayNode) card.get("classes")).addObject().put("id", 5).put("name", "class5")
                    .put("threshold", 0.5).put("minArea", 20);
        }
        json.writeValue(broken.resolve("model.json").toFile(), card);
        Path good = TinyModels.segmenter(dir.resolve("good-" + cardSays.replace(' ', '-')), "tiny-seg-good", "2", 21, 8);
        Map<String, String> topics = WorkerFixture.topics(1, "defective", "defects", "dlq");
        Map<String, String> settings = new HashMap<>();
        settings.put("COILSIGHT_MODEL_FAILURE_BATCHES", "2");
        settings.put("COILSIGHT_WORKER_THREADS", "1");
        try (InferenceWorker<DefectiveImage> worker = worker(topics, broken, settings); KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            for (int i = 0; i < 3; i++) {
                producer.send(defective(topics.get("defective"), "img-" + i, Files.readAllBytes(files.get(i)), 1600, 256, i)).get();
            }
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            java.net.URI health = java.net.URI.create("http://127.0.0.1:" + worker.httpPort() + "/health");
            String[] body = new String[1];
            WorkerFixture.await(WAIT, () -> {
                try {
                    java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(health).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    body[0] = r.body();
                    return r.statusCode() == 503;
                } catch (Exception e) {
                    return false;
                }
            }, "/health says the model is failing");
            assertThat(body[0]).contains("model failing", "blank");
            assertThat(worker.ready()).isFalse();
            assertThat(WorkerFixture.readCommitted(topics.get("dlq"), 1, Duration.ofSeconds(3))).as("nothing drained into the DLQ").isEmpty();

            // A working model swapped in: the same records go through, and health comes back.
            assertThat(worker.models().pointTo(good)).isTrue();
            List<DefectSegmentation> results = WorkerFixture.values(WorkerFixture.readCommitted(topics.get("defects"), 3, WAIT),
                    DefectSegmentation.class);
            assertThat(results).extracting(DefectSegmentation::getImageId).containsExactlyInAnyOrder("img-0", "img-1", "img-2");
            assertThat(results).allSatisfy(r -> assertThat(r.getModel().getVersion()).isEqualTo("2"));
            WorkerFixture.await(WAIT, () -> worker.modelFailing().isEmpty(), "the model failure is cleared");
            assertThat(WorkerFixture.readCommitted(topics.get("dlq"), 1, Duration.ofSeconds(2))).isEmpty();
        }
    }

    private static InferenceWorker<DefectiveImage> worker(Map<String, String> topics, Path modelDir) throws IOException {
        return worker(topics, modelDir, Map.of());
    }

    private static InferenceWorker<DefectiveImage> worker(Map<String, String> topics, Path modelDir, Map<String, String> extra)
            throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("COILSIGHT_TOPIC_DEFECTIVE", topics.get("defective"));
        settings.put("COILSIGHT_TOPIC_DLQ", topics.get("dlq"));
        settings.put("COILSIGHT_MODEL_DIR", modelDir.toString());
        settings.put("COILSIGHT_MAX_BATCH_SIZE", "3");
        settings.put("COILSIGHT_WORKER_THREADS", "2");
        settings.putAll(extra);
        WorkerConfig config = WorkerConfig.fromEnv(WorkerFixture.env(settings), SegmenterService.DEFAULTS);
        InferenceWorker<DefectiveImage> worker = new InferenceWorker<>(config, new SegmenterStage(topics.get("defects")));
        worker.start();
        return worker;
    }

    private static ProducerRecord<byte[], byte[]> defective(String topic, String imageId, byte[] bytes, int width, int height, int i) {
        String coil = "coil-" + (i % 3);
        return WorkerFixture.avro(topic, coil, SegmenterFixture.defective(imageId, coil, i, bytes, width, height));
    }

    @Test
    void everyDefectiveImageGetsOneSegmentationWithTheSameMasksAndRleAsOfflineEvaluation() throws Exception {
        // Offline: the evaluator's own path (DJL, serving pre- and post-processing) over the sample.
        Map<String, Map<Integer, String>> offline = new TreeMap<>();
        try (LoadedModel loaded = LoadedModel.load(model)) {
            new Evaluator(loaded, new PrintStream(OutputStream.nullOutputStream())).evaluate(Datasets.open(sample), null, example -> {
                Map<Integer, String> masks = new TreeMap<>();
                example.predicted().forEach((cls, mask) -> masks.put(cls, RunLengthEncoding.encode(mask)));
                offline.put(example.imageId(), masks);
            });
        }
        assertThat(offline).hasSize(files.size());
        assertThat(offline.values().stream().mapToInt(Map::size).sum()).as("masks found offline").isPositive();

        Map<String, String> topics = WorkerFixture.topics(3, "defective", "defects", "dlq");
        try (InferenceWorker<DefectiveImage> worker = worker(topics, model); KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                records.add(defective(topics.get("defective"), files.get(i).getFileName().toString(), Files.readAllBytes(files.get(i)), 1600, 256, i));
            }
            WorkerFixture.send(producer, records);
            List<DefectSegmentation> results = WorkerFixture.values(
                    WorkerFixture.readCommitted(topics.get("defects"), files.size(), WAIT), DefectSegmentation.class);
            assertThat(results).extracting(DefectSegmentation::getImageId).containsExactlyInAnyOrderElementsOf(offline.keySet());
            for (DefectSegmentation s : results) {
                Map<Integer, String> streamed = new TreeMap<>();
                for (DefectMask m : s.getMasks()) {
                    streamed.put(m.getClassId(), m.getRle());
                    assertThat(m.getPixelCount()).isEqualTo(RunLengthEncoding.decode(m.getRle(), 256, 1600).pixelCount());
                    assertThat(m.getBoundingBox().getWidth()).isPositive();
                    assertThat(m.getComponentCount()).isPositive();
                    assertThat(m.getClassName()).isEqualTo("class" + m.getClassId());
                }
                assertThat(s.getMasks()).extracting(DefectMask::getClassId).isSorted();
                assertThat(streamed).as(s.getImageId()).isEqualTo(offline.get(s.getImageId()));
                assertThat(s.getModel().getName()).isEqualTo("tiny-seg");
                assertThat(s.getModel().getVersion()).isEqualTo("5");
                assertThat(s.getWidth()).isEqualTo(1600);
                assertThat(s.getHeight()).isEqualTo(256);
            }
        }
    }

    @Test
    void aRecordTheModelFailsOnGoesToTheDeadLetterTopicAndItsNeighboursAreSegmented() throws Exception {
        // A card that lets any size through to a network that needs multiples of 8: TensorFlow fails on odd sizes.
        Path lax = TinyModels.segmenter(dir.resolve("lax"), "tiny-seg-lax", "1", 21, 1);
        Map<String, String> topics = WorkerFixture.topics(1, "defective", "defects", "dlq");
        java.awt.image.BufferedImage odd = ImageIO.read(files.get(0).toFile()).getSubimage(0, 0, 203, 101);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        ImageIO.write(odd, "png", png);
        String in = topics.get("defective");
        List<ProducerRecord<byte[], byte[]>> records = List.of(
                defective(in, "good-1", Files.readAllBytes(files.get(1)), 1600, 256, 0),
                defective(in, "odd", png.toByteArray(), 203, 101, 0),
                defective(in, "good-2", Files.readAllBytes(files.get(2)), 1600, 256, 0));
        try (InferenceWorker<DefectiveImage> worker = worker(topics, lax); KafkaProducer<byte[], byte[]> producer = WorkerFixture.producer()) {
            List<Long> offsets = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : records) {
                offsets.add(producer.send(r).get().offset());
            }
            List<DefectSegmentation> results = WorkerFixture.values(WorkerFixture.readCommitted(topics.get("defects"), 2, WAIT),
                    DefectSegmentation.class);
            assertThat(results).extracting(DefectSegmentation::getImageId).containsExactly("good-1", "good-2");
            List<ConsumerRecord<byte[], byte[]>> dead = WorkerFixture.readCommitted(topics.get("dlq"), 1, WAIT);
            assertThat(dead).hasSize(1);
            assertThat(WorkerFixture.header(dead.get(0), DeadLetters.REASON)).isEqualTo("MODEL_ERROR");
            assertThat(WorkerFixture.header(dead.get(0), DeadLetters.STAGE)).isEqualTo("segmenter");
            assertThat(WorkerFixture.header(dead.get(0), DeadLetters.MODEL)).isEqualTo("tiny-seg-lax:1");
            assertThat(WorkerFixture.header(dead.get(0), DeadLetters.SOURCE_OFFSET)).isEqualTo(String.valueOf(offsets.get(1)));
            assertThat(dead.get(0).value()).isEqualTo(records.get(1).value());
        }
    }
}
