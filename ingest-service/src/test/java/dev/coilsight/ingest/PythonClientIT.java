package dev.coilsight.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.TestInfrastructure;

/**
 * A real external client that nobody in this project wrote reads what the HTTP API published:
 * Debian's python3-confluent-kafka (librdkafka) and python3-avro, through the registry's
 * Confluent-compatible API. Needs {@code /usr/bin/python3} with those packages; fails saying how
 * to install them unless {@code COILSIGHT_SKIP_PYTHON_IT} is set.
 */
@ExtendWith(RealInfrastructureExtension.class)
class PythonClientIT {

    static final String SKIP_VARIABLE = "COILSIGHT_SKIP_PYTHON_IT";
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("src", "test", "python", "read_images.py");
    private static final String TOKEN = "python-it-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String topic;
    private static HttpIngestFixture ingest;
    private static Optional<String> pythonProblem;

    /** What one upload sent and what the API answered. */
    private record Sent(String coilId, String cameraId, long sequence, long capturedAtMillis, Double positionMm, String lineId,
                        String encoding, byte[] bytes, JsonNode answer) {
    }

    @BeforeAll
    static void start() throws IOException {
        topic = IngestFixture.newTopic(3);
        ingest = HttpIngestFixture.start(topic, HttpIngestFixture.localSettings(TOKEN, ImageLimits.DEFAULT.maxBytes()), ImageLimits.DEFAULT);
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
    }

    /** Fails (or skips, when asked to) unless Debian's python3 can import the client libraries. */
    @BeforeEach
    void requirePythonClient() {
        if (pythonProblem == null) {
            pythonProblem = Optional.ofNullable(pythonProblem());
        }
        String problem = pythonProblem.orElse(null);
        if (problem == null) {
            return;
        }
        String message = "the external-client test needs " + PYTHON + " with python3-confluent-kafka and python3-avro: " + problem
                + ". Install them with: apt-get install python3-confluent-kafka python3-avro python3-requests";
        if (System.getenv(SKIP_VARIABLE) != null) {
            Assumptions.abort(message + " (skipped because " + SKIP_VARIABLE + " is set)");
        }
        fail(message + ", or set " + SKIP_VARIABLE + "=1 to skip this test");
    }

    private static String pythonProblem() {
        if (!Files.isExecutable(PYTHON)) {
            return PYTHON + " does not exist";
        }
        try {
            ProcessBuilder check = pythonProcess(PYTHON.toString(), "-c", "import confluent_kafka, avro.io, avro.schema");
            check.redirectErrorStream(true);
            Process process = check.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "importing the modules did not finish within 60 s";
            }
            return process.exitValue() == 0 ? null : "importing the modules failed: " + out;
        } catch (IOException | InterruptedException e) {
            return "cannot run it: " + e.getMessage();
        }
    }

    /** A process of Debian's interpreter without a pyenv or virtualenv's module paths leaking in. */
    private static ProcessBuilder pythonProcess(String... command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("PYTHONPATH");
        builder.environment().remove("PYTHONHOME");
        builder.environment().remove("VIRTUAL_ENV");
        return builder;
    }

    private static Sent upload(String coilId, Path image, String contentType, Map<String, String> headers) throws Exception {
        byte[] bytes = Files.readAllBytes(image);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(ingest.base() + "/v1/coils/" + coilId + "/images"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        headers.forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode answer = JSON.readTree(response.body());
        return new Sent(coilId, headers.getOrDefault("X-Camera-Id", "http"),
                Long.parseLong(headers.getOrDefault("X-Sequence", "-1")),
                Instant.parse(headers.getOrDefault("X-Captured-At", "1970-01-01T00:00:00Z")).toEpochMilli(),
                headers.containsKey("X-Position-Mm") ? Double.valueOf(headers.get("X-Position-Mm")) : null,
                headers.get("X-Line-Id"), answer.get("encoding").asText(), bytes, answer);
    }

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** The id under which the registry holds the topic's value schema, asked over its REST API. */
    private static int registeredSchemaId() throws Exception {
        HttpResponse<String> latest = HTTP.send(HttpRequest.newBuilder(URI.create(TestInfrastructure.registry().ccompatUrl()
                + "/subjects/" + topic + "-value/versions/latest")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(latest.statusCode()).as(latest.body()).isEqualTo(200);
        return JSON.readTree(latest.body()).get("id").asInt();
    }

    @Test
    void confluentKafkaForPythonDecodesWhatTheHttpApiPublished() throws Exception {
        List<Path> jpegs = IngestFixture.streamImages(3);
        List<Sent> sent = new ArrayList<>();
        sent.add(upload("COIL-PY1", jpegs.get(0), "image/jpeg", headers("X-Camera-Id", "cam-top", "X-Sequence", "1",
                "X-Captured-At", "2026-11-24T08:00:00.125Z", "X-Position-Mm", "0", "X-Line-Id", "hsm-2")));
        sent.add(upload("COIL-PY1", jpegs.get(1), "image/jpeg", headers("X-Camera-Id", "cam-top", "X-Sequence", "2",
                "X-Captured-At", "2026-11-24T08:00:00.625Z", "X-Position-Mm", "412.75", "X-Line-Id", "hsm-2")));
        sent.add(upload("COIL-PY2", jpegs.get(2), "image/jpeg", headers("X-Sequence", "9000000000",
                "X-Captured-At", "2026-11-24T09:30:00Z")));
        sent.add(upload("COIL-PY2", IngestFixture.samplePng(), "image/png", headers("X-Camera-Id", "cam-bottom", "X-Sequence", "9000000001",
                "X-Captured-At", "2026-11-24T09:30:01Z", "X-Position-Mm", "800.5")));

        ProcessBuilder reader = pythonProcess(PYTHON.toString(), SCRIPT.toAbsolutePath().toString(),
                "--bootstrap", TestInfrastructure.kafka().bootstrapServers(),
                "--registry", TestInfrastructure.registry().ccompatUrl(),
                "--topic", topic, "--count", String.valueOf(sent.size()), "--timeout", "60");
        assertThat(SCRIPT).as("the reader script (tests run in the module folder)").exists();
        Process process = reader.start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("the reader finished").isTrue();
        assertThat(process.exitValue()).as("reader exit status; stderr:%n%s", stderr.get()).isZero();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        assertThat(lines).as("records the Python client read").hasSize(sent.size());
        int schemaId = registeredSchemaId();
        Map<String, JsonNode> byImageId = new HashMap<>();
        lines.forEach(line -> byImageId.put(line.get("imageId").asText(), line));
        for (Sent s : sent) {
            String imageId = s.answer().get("imageId").asText();
            JsonNode read = byImageId.get(imageId);
            assertThat(read).as("record of image %s", imageId).isNotNull();
            assertThat(read.get("coilId").asText()).isEqualTo(s.coilId());
            assertThat(read.get("key").asText()).isEqualTo(s.coilId());
            assertThat(read.get("cameraId").asText()).isEqualTo(s.cameraId());
            assertThat(read.get("sequence").asLong()).isEqualTo(s.sequence());
            assertThat(read.get("capturedAtMillis").asLong()).isEqualTo(s.capturedAtMillis());
            if (s.positionMm() == null) {
                assertThat(read.get("positionMm").isNull()).as("positionMm is null").isTrue();
            } else {
                assertThat(read.get("positionMm").asDouble()).isEqualTo(s.positionMm());
            }
            if (s.lineId() == null) {
                assertThat(read.get("lineId").isNull()).as("lineId is null").isTrue();
            } else {
                assertThat(read.get("lineId").asText()).isEqualTo(s.lineId());
            }
            assertThat(read.get("encoding").asText()).isEqualTo(s.encoding());
            assertThat(read.get("width").asInt()).isEqualTo(s.answer().get("width").asInt()).isEqualTo(1600);
            assertThat(read.get("height").asInt()).isEqualTo(s.answer().get("height").asInt()).isEqualTo(256);
            assertThat(read.get("bytesLength").asInt()).isEqualTo(s.bytes().length);
            assertThat(read.get("bytesSha256").asText()).isEqualTo(IngestFixture.sha256(s.bytes()));
            assertThat(read.get("partition").asInt()).isEqualTo(s.answer().get("partition").asInt());
            assertThat(read.get("offset").asLong()).isEqualTo(s.answer().get("offset").asLong());
            assertThat(read.get("schemaId").asInt()).isEqualTo(schemaId);
        }
        assertThat(sent).extracting(Sent::encoding).containsExactly("JPEG", "JPEG", "JPEG", "PNG");
    }

    @Test
    void theScriptItselfFailsWhenTheRecordsDoNotCome() throws Exception {
        // Guards the test above against a reader that would exit 0 whatever it read.
        String empty = IngestFixture.newTopic(1);
        Process process = pythonProcess(PYTHON.toString(), SCRIPT.toAbsolutePath().toString(),
                "--bootstrap", TestInfrastructure.kafka().bootstrapServers(),
                "--registry", TestInfrastructure.registry().ccompatUrl(),
                "--topic", empty, "--count", "1", "--timeout", "3").redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isEqualTo(1);
        assertThat(out).contains("read 0 of 1 records from " + empty);
    }
}
