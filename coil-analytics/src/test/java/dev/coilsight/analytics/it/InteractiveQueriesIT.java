package dev.coilsight.analytics.it;

import static dev.coilsight.analytics.it.AnalyticsFixture.get;
import static dev.coilsight.analytics.it.AnalyticsFixture.json;
import static dev.coilsight.analytics.it.AnalyticsFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import javax.imageio.ImageIO;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.coilsight.analytics.AnalyticsService;
import dev.coilsight.analytics.Records;
import dev.coilsight.testsupport.Await;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.TestInfrastructure;
import dev.coilsight.serviceruntime.deadletter.DeadLetters;

/**
 * Two coil-analytics instances on the real broker and registry: each answers every coil, its own from
 * its stores and the other's by asking the other; the coil list gathers both. Then one instance leaves
 * and the survivor takes over its coils with figures that stay exact as more results arrive.
 */
@ExtendWith(RealInfrastructureExtension.class)
class InteractiveQueriesIT {

    private static final int COILS = 12;
    private static final long T0 = Instant.parse("2026-11-29T08:00:00Z").toEpochMilli();
    /** Every defective image's bytes. */
    private static final byte[] PNG = png(40, 16);

    @TempDir
    Path stateA;
    @TempDir
    Path stateB;

    /** What the test sent per coil: images, defective images, class-3 pixels. */
    private final Map<String, long[]> expected = new HashMap<>();

    @Test
    void anyInstanceAnswersAnyCoilAndASurvivorKeepsTheFiguresExact() throws Exception {
        AnalyticsFixture.TestTopics topics = new AnalyticsFixture.TestTopics("iq");
        topics.create(4);
        withTwoInstances(topics, "analytics-iq", (a, b, producer) -> {
            // A record nobody can read, in the middle of the stream: dead-lettered, the rest counted.
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(TestInfrastructure.kafka().clientProperties(),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(topics.classifications(), "coil-00".getBytes(StandardCharsets.UTF_8),
                        "garbage".getBytes(StandardCharsets.UTF_8))).get();
            }
            sendRound(producer, topics, 3, 2);
            awaitFigures(a);

            // Each instance holds part of the coils, so some answers below were fetched from the other.
            int ownedByA = localCoils(a);
            int ownedByB = localCoils(b);
            assertThat(ownedByA + ownedByB).isEqualTo(COILS);
            assertThat(ownedByA).isPositive();
            assertThat(ownedByB).isPositive();
            // An instance sends only as many of its coils as asked for, with its count.
            JsonNode firstOfA = AnalyticsFixture.jsonInternal(a, "/internal/v1/coils?sort=coilId&limit=1");
            assertThat(firstOfA.get("total").asInt()).isEqualTo(ownedByA);
            assertThat(firstOfA.get("coils")).hasSize(1);

            for (String coil : expected.keySet()) {
                JsonNode viaA = json(a, "/v1/coils/" + coil);
                JsonNode viaB = json(b, "/v1/coils/" + coil);
                assertThat(viaA.get("stats")).isEqualTo(viaB.get("stats"));
                assertFigures(coil, viaA.get("stats"));
                assertThat(viaA.get("trend")).isNotEmpty();
                long windowImages = 0;
                for (JsonNode w : viaA.get("trend")) {
                    windowImages += w.get("images").asLong();
                }
                assertThat(windowImages).isEqualTo(expected.get(coil)[0]);

                JsonNode defects = json(b, "/v1/coils/" + coil + "/defects?limit=50").get("defects");
                assertThat(defects).hasSize((int) expected.get(coil)[1]);
                assertThat(defects.get(0).get("masks").get(0).get("rle").asText()).isEqualTo("1 10 300 5");
                String imageId = defects.get(0).get("imageId").asText();
                HttpResponse<byte[]> bytes = get(a, "/v1/coils/" + coil + "/images/" + imageId + "/image");
                assertThat(bytes.statusCode()).isEqualTo(200);
                assertThat(bytes.headers().firstValue("Content-Type")).hasValue("image/png");
                assertThat(bytes.body()).isEqualTo(PNG);
                assertThat(json(b, "/v1/coils/" + coil + "/defects?limit=50").get("defects").findValuesAsText("imageUrl"))
                        .as("every defect's image is kept, so each lists its URL").hasSize((int) expected.get(coil)[1])
                        .allSatisfy(url -> assertThat(url).endsWith("/image"));
                JsonNode image = json(b, "/v1/coils/" + coil + "/images/" + imageId);
                assertThat(image.get("masks").get(0).get("pixelCount").asLong()).isEqualTo(15);
                assertThat(image.get("imageUrl").asText()).endsWith("/images/" + imageId + "/image");
            }

            JsonNode page = json(b, "/v1/coils?size=5&page=1&sort=defectRate");
            assertThat(page.get("total").asInt()).isEqualTo(COILS);
            assertThat(page.get("coils")).hasSize(5);
            List<Double> rates = new ArrayList<>();
            JsonNode everyCoil = json(a, "/v1/coils?size=500").get("coils");
            everyCoil.forEach(c -> rates.add(c.get("defectRate").asDouble()));
            assertThat(rates).hasSize(COILS).isSortedAccordingTo((x, y) -> Double.compare(y, x));
            for (int i = 0; i < 5; i++) {
                assertThat(page.get("coils").get(i).get("coilId")).isEqualTo(everyCoil.get(5 + i).get("coilId"));
            }
            List<String> byId = new ArrayList<>();
            json(b, "/v1/coils?sort=coilId&size=4&page=2").get("coils").forEach(c -> byId.add(c.get("coilId").asText()));
            assertThat(byId).containsExactlyElementsOf(new java.util.TreeSet<>(expected.keySet()).stream().skip(8).limit(4).toList());
            assertThat(json(a, "/v1/lines/L1").get("trend")).isNotEmpty();

            assertThat(get(a, "/v1/coils/no-such-coil").statusCode()).isEqualTo(404);
            assertThat(get(b, "/v1/coils/no-such-coil/defects").statusCode()).isEqualTo(404);
            assertThat(get(a, "/v1/coils?sort=colour").statusCode()).isEqualTo(400);
            assertThat(get(a, "/v1/coils?size=0").statusCode()).isEqualTo(400);
            HttpResponse<byte[]> tooDeep = get(b, "/v1/coils?size=500&page=20");
            assertThat(tooDeep.statusCode()).isEqualTo(400);
            assertThat(new String(tooDeep.body(), StandardCharsets.UTF_8)).contains("page");
            assertThat(AnalyticsFixture.getInternal(a, "/internal/v1/coils?limit=0").statusCode()).isEqualTo(400);
            assertThat(get(b, "/v1/coils/coil-01?windows=abc").statusCode()).isEqualTo(400);
            assertThat(new String(get(b, "/v1/coils?size=x").body(), StandardCharsets.UTF_8)).contains("\"error\"").contains("size");
            assertThat(get(a, "/v1/nothing-here").statusCode()).isEqualTo(404);

            ConsumerRecord<byte[], byte[]> dead = readOne(topics.dlq());
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("garbage");
            assertThat(new String(dead.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8)).isEqualTo("NOT_CONFLUENT_AVRO");
            assertThat(new String(dead.headers().lastHeader(DeadLetters.SOURCE_TOPIC).value(), StandardCharsets.UTF_8))
                    .isEqualTo(topics.classifications());

            // B leaves: A takes over its coils from the changelogs at once (B left the group as it closed, so nobody waits
            // out its 45 s session); new results add to exact totals.
            long closed = System.nanoTime();
            b.close();
            Await.until(Duration.ofSeconds(90), () -> localCoils(a) == COILS, "the surviving instance holds every coil");
            assertThat(Duration.ofNanos(System.nanoTime() - closed)).as("taken over before B's session timeout")
                    .isLessThan(Duration.ofSeconds(30));
            sendRound(producer, topics, 5, 2);
            awaitFigures(a);
            for (String coil : expected.keySet()) {
                assertFigures(coil, json(a, "/v1/coils/" + coil).get("stats"));
            }
            assertThat(json(a, "/v1/coils").get("total").asInt()).isEqualTo(COILS);
            assertThat(get(a, "/ready").statusCode()).isEqualTo(200);
            assertThat(new String(get(a, "/metrics").body(), StandardCharsets.UTF_8))
                    .contains("coilsight_analytics_http_requests_total").contains("coilsight_analytics_streams_running 1.0");
        });
    }

    @Test
    void imagesOnATopicWithMorePartitionsThanTheResultsAreAnsweredForEveryCoilByEitherInstance() throws Exception {
        AnalyticsFixture.TestTopics topics = new AnalyticsFixture.TestTopics("iq-layout");
        topics.create(2, 5); // as k8s/topics: the workers' input has more partitions than the results
        withTwoInstances(topics, "analytics-iq-layout", (a, b, producer) -> {
            awaitFigures(a);
            Await.until(Duration.ofSeconds(60), () -> localCoils(a) > 0 && localCoils(b) > 0, "both instances hold coils");
            int lookups = 0;
            for (String coil : expected.keySet()) {
                for (AnalyticsService asked : List.of(a, b)) {
                    JsonNode defects = json(asked, "/v1/coils/" + coil + "/defects?limit=50").get("defects");
                    assertThat(defects).hasSize((int) expected.get(coil)[1]);
                    for (JsonNode d : defects) {
                        String imageId = d.get("imageId").asText();
                        String path = "/v1/coils/" + coil + "/images/" + imageId + "/image";
                        // The images reach their store through the repartition topic, a moment after the figures.
                        Await.until(Duration.ofSeconds(30), () -> get(asked, path).statusCode() == 200, "image " + imageId + " of " + coil);
                        HttpResponse<byte[]> bytes = get(asked, path);
                        assertThat(bytes.body()).isEqualTo(PNG);
                        assertThat(json(asked, "/v1/coils/" + coil + "/images/" + imageId).get("masks").get(0).get("pixelCount").asLong())
                                .isEqualTo(15);
                        lookups++;
                    }
                }
            }
            assertThat(lookups).isGreaterThanOrEqualTo(2 * COILS);
        });
    }

    /** What a test does with two running instances of one application, after the first round of results. */
    private interface TwoInstances {
        void test(AnalyticsService a, AnalyticsService b, KafkaProducer<String, SpecificRecord> producer) throws Exception;
    }

    private void withTwoInstances(AnalyticsFixture.TestTopics topics, String applicationId, TwoInstances test) throws Exception {
        try (AnalyticsService a = AnalyticsFixture.start(topics, applicationId, stateA, Map.of());
             AnalyticsService b = AnalyticsFixture.start(topics, applicationId, stateB, Map.of());
             KafkaProducer<String, SpecificRecord> producer = AnalyticsFixture.producer()) {
            AnalyticsFixture.awaitRunning(a, b);
            sendRound(producer, topics, 0, 3);
            test.test(a, b, producer);
        }
    }

    /** Images {@code from .. from+count-1} of every coil; every other image defective, with a class-3 mask of 15 pixels. */
    private void sendRound(KafkaProducer<String, SpecificRecord> producer, AnalyticsFixture.TestTopics topics, int from, int count) {
        for (int c = 0; c < COILS; c++) {
            String coil = String.format("coil-%02d", c);
            long[] sums = expected.computeIfAbsent(coil, k -> new long[3]);
            for (int i = from; i < from + count; i++) {
                long t = T0 + i * 10_000L;
                String imageId = coil + "-img-" + i;
                boolean defective = (i + c) % 2 == 0;
                send(producer, topics.classifications(), coil, Records.classified(coil, imageId, "L1", t, defective));
                sums[0]++;
                if (defective) {
                    sums[1]++;
                    sums[2] += 15;
                    send(producer, topics.defective(), coil, Records.defectiveImage(coil, imageId, t, PNG, 40, 16));
                    send(producer, topics.defects(), coil, Records.segmented(coil, imageId, "L1", t, 3, "1 10 300 5"));
                }
            }
        }
    }

    private void awaitFigures(AnalyticsService service) {
        Await.until(Duration.ofSeconds(60), () -> {
            HttpResponse<byte[]> response = get(service, "/v1/coils?size=500");
            if (response.statusCode() != 200) {
                return false;
            }
            JsonNode coils;
            try {
                coils = AnalyticsFixture.JSON.readTree(response.body()).get("coils");
            } catch (IOException e) {
                return false;
            }
            Set<String> done = new HashSet<>();
            for (JsonNode c : coils) {
                long[] sums = expected.get(c.get("coilId").asText());
                if (sums != null && c.get("imagesInspected").asLong() == sums[0] && c.get("classes").size() == 1
                        && c.get("classes").get(0).get("pixels").asLong() == sums[2]) {
                    done.add(c.get("coilId").asText());
                }
            }
            return done.size() == COILS;
        }, "every coil's figures");
    }

    private static int localCoils(AnalyticsService service) {
        HttpResponse<byte[]> response = AnalyticsFixture.getInternal(service, "/internal/v1/coils");
        try {
            return response.statusCode() == 200 ? AnalyticsFixture.JSON.readTree(response.body()).get("total").asInt() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private void assertFigures(String coil, JsonNode stats) {
        long[] sums = expected.get(coil);
        assertThat(stats.get("coilId").asText()).isEqualTo(coil);
        assertThat(stats.get("imagesInspected").asLong()).isEqualTo(sums[0]);
        assertThat(stats.get("defectiveImages").asLong()).isEqualTo(sums[1]);
        assertThat(stats.get("defectRate").asDouble()).isEqualTo((double) sums[1] / sums[0]);
        assertThat(stats.get("pixelsInspected").asLong()).isEqualTo(sums[0] * Records.WIDTH * Records.HEIGHT);
        JsonNode class3 = stats.get("classes").get(0);
        assertThat(class3.get("classId").asInt()).isEqualTo(3);
        assertThat(class3.get("images").asLong()).isEqualTo(sums[1]);
        assertThat(class3.get("pixels").asLong()).isEqualTo(sums[2]);
        assertThat(stats.get("lineId").asText()).isEqualTo("L1");
    }

    private static ConsumerRecord<byte[], byte[]> readOne(String topic) {
        Properties props = TestInfrastructure.kafka().clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    return r;
                }
            }
        }
        throw new AssertionError("nothing on " + topic);
    }

    private static byte[] png(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < width; x++) {
            image.getRaster().setSample(x, x % height, 0, 200);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
