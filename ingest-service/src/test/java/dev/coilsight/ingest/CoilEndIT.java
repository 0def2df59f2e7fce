package dev.coilsight.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.ingest.http.IngestHttpServer;
import dev.coilsight.schemas.CoilEnded;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.TestInfrastructure;

/** The end of a coil at ingest, explicit or on its last image, against the real broker and registry. */
@ExtendWith(RealInfrastructureExtension.class)
class CoilEndIT {

    private static final String TOKEN = "end-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String imagesTopic;
    private static String endsTopic;
    private static HttpIngestFixture ingest;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        imagesTopic = IngestFixture.newTopic(2);
        endsTopic = imagesTopic.replace("it-images-", "it-coil-ends-");
        TestInfrastructure.kafka().createTopics(2, endsTopic);
        IngestHttpServer.Settings defaults = HttpIngestFixture.localSettings(TOKEN, 1_000_000);
        ingest = HttpIngestFixture.start(imagesTopic, new IngestHttpServer.Settings(defaults.http(), defaults.token(),
                defaults.maxImageBytes(), "http", defaults.idempotencyWindow(), defaults.idempotencyMaxKeys(), defaults.maxClockSkew(),
                endsTopic), ImageLimits.DEFAULT);
        base = ingest.base();
    }

    @AfterAll
    static void stop() {
        ingest.close();
    }

    @Test
    void anEndRequestIsPublishedAsACoilEndedRecordKeyedByTheCoil() throws Exception {
        HttpResponse<String> answer = post("/v1/coils/C-17/end", "{\"lineId\": \"L7\", \"lengthMm\": 1250.5}", true);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("coilId").asText()).isEqualTo("C-17");
        assertThat(body.get("topic").asText()).isEqualTo(endsTopic);
        List<ConsumerRecord<String, CoilEnded>> ends = readEnds(1);
        assertThat(ends).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("C-17");
            assertThat(r.value().getCoilId()).isEqualTo("C-17");
            assertThat(r.value().getLineId()).isEqualTo("L7");
            assertThat(r.value().getLengthMm()).isEqualTo(1250.5);
            assertThat(r.value().getSource()).startsWith("http 127.0.0.1");
            assertThat(r.partition()).isEqualTo(ingest.publisher().partitionFor("C-17"));
        });
    }

    @Test
    void aBadEndRequestIsRefusedAndPublishesNothing() throws Exception {
        long before = endsInTopic();
        assertThat(post("/v1/coils/C-18/end", "", false).statusCode()).isEqualTo(401);
        HttpResponse<String> badId = post("/v1/coils/-starts-with-a-dash/end", "", true);
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(badId.body()).contains("coilId must be");
        HttpResponse<String> badLength = post("/v1/coils/C-18/end", "{\"lengthMm\": \"long\"}", true);
        assertThat(badLength.statusCode()).isEqualTo(400);
        assertThat(badLength.body()).contains("lengthMm must be a number");
        HttpResponse<String> notJson = post("/v1/coils/C-18/end", "end!", true);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("not JSON");
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/coils/C-18/end")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(endsInTopic()).isEqualTo(before);
    }

    @Test
    void theLastImageOfACoilCarriesTheEndFlag() throws Exception {
        byte[] png = Files.readAllBytes(IngestFixture.samplePng());
        for (String flag : List.of("false", "true")) {
            HttpResponse<String> upload = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/coils/C-19/images"))
                    .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "image/png").header("X-Coil-End", flag)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(202);
        }
        List<ConsumerRecord<String, ImageCaptured>> images = IngestFixture.read(imagesTopic, 2);
        assertThat(images).extracting(r -> r.value().getCoilEnd()).containsExactly(false, true);

        HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/coils/C-19/images"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "image/png").header("X-Coil-End", "yes")
                .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("coilEnd must be true or false");
    }

    private static HttpResponse<String> post(String path, String body, boolean withToken) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (withToken) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<ConsumerRecord<String, CoilEnded>> readEnds(int count) {
        return IngestFixture.read(endsTopic, count, CoilEnded.class);
    }

    private static long endsInTopic() {
        return readEnds(0).size();
    }
}
