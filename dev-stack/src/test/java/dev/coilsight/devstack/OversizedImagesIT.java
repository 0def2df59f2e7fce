package dev.coilsight.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.imageio.ImageIO;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.embedded.Ports;
import dev.coilsight.schemas.Topics;
import dev.coilsight.testsupport.SharedData;

/**
 * Images inside every ingest limit that a model cannot take without exhausting native memory: uploaded
 * through ingest to the whole system with the default models (in this JVM, so a native crash would end
 * the test), each is dead-lettered or processed, and a real image sent after them on the same coil is
 * classified and segmented.
 */
class OversizedImagesIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aHugeButValidImageIsDeadLetteredBeforeTheModelAndTheLineGoesOn() throws Exception {
        Path real = SharedData.require("severstal-sample").resolve("train_images").resolve("0030401a5.jpg");
        DevStack.Settings settings = new DevStack.Settings(dir, ROOT.resolve("models/severstal-classifier"), ROOT.resolve("models/severstal-resunet"),
                Ports.free(), Ports.free(), Ports.free(), Ports.free(), 1, 1, 4);
        try (DevStack stack = DevStack.start(settings, (part, where) -> { });
             ResultWatcher results = new ResultWatcher(stack.bootstrapServers(), stack.registryUrl())) {
            byte[] huge = png(8192, 4880);
            assertThat(huge.length).as("a small file: the size is in the pixels").isLessThan(200_000);
            String hugeId = upload(stack, huge, 202);
            String thinId = upload(stack, png(8000, 1), 202);
            JsonNode strip = JSON.readTree(upload(stack, png(1, 40_000), -1));
            assertThat(strip.get("status").asInt()).as("a 1 x 40000 strip is over ingest's height limit: " + strip).isEqualTo(413);
            String realId = upload(stack, Files.readAllBytes(real), 202);

            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            Map<String, String> deadLetters = new HashMap<>();
            try (KafkaConsumer<byte[], byte[]> dlq = dlqReader(stack)) {
                while (System.nanoTime() < deadline && !(results.classifications().stream().anyMatch(c -> c.getImageId().equals(realId))
                        && results.segmented() >= results.defective() && deadLetters.containsKey(hugeId)
                        && (deadLetters.containsKey(thinId) || results.classifications().stream().anyMatch(c -> c.getImageId().equals(thinId))))) {
                    for (ConsumerRecord<byte[], byte[]> r : dlq.poll(Duration.ofMillis(200))) {
                        deadLetters.put(imageIdIn(r.value(), hugeId, thinId), header(r, "coilsight.dlq.reason") + " " + header(r, "coilsight.dlq.error.message"));
                    }
                }
            }
            assertThat(deadLetters.get(hugeId)).as("dead letters " + deadLetters).startsWith("MODEL_INPUT ").contains("8192x4880", "COILSIGHT_MAX_MODEL_INPUT_PIXELS");
            assertThat(results.classifications()).as("the real image after them is classified").anyMatch(c -> c.getImageId().equals(realId));
            assertThat(deadLetters.containsKey(thinId) || results.classifications().stream().anyMatch(c -> c.getImageId().equals(thinId)))
                    .as("the 8000 x 1 strip is dead-lettered or classified").isTrue();
            assertThat(results.segmented()).as("every defective image is segmented").isEqualTo((int) results.defective());
        }
    }

    /** The image id of a dead letter: the uploaded ids appear in the record's Avro bytes as plain UTF-8. */
    private static String imageIdIn(byte[] value, String... ids) {
        String text = new String(value, 0, Math.min(value.length, 512), StandardCharsets.ISO_8859_1);
        return List.of(ids).stream().filter(text::contains).findFirst().orElse("other");
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** POSTs an image to coil {@code big-coil}; returns the image id (or the body when {@code expected} is -1). */
    private static String upload(DevStack stack, byte[] image, int expected) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.ingestUrl() + "/v1/coils/big-coil/images"))
                .header("Authorization", "Bearer " + stack.ingestToken()).header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(), HttpResponse.BodyHandlers.ofString());
        if (expected < 0) {
            return response.body();
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        return JSON.readTree(response.body()).get("imageId").asText();
    }

    private static byte[] png(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static KafkaConsumer<byte[], byte[]> dlqReader(DevStack stack) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "oversized-it-dlq");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.DLQ));
        return consumer;
    }
}
