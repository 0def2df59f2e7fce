package dev.coilsight.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.serviceruntime.cluster.ClusterSettings;
import dev.coilsight.serviceruntime.http.HttpSettings;
import dev.coilsight.serviceruntime.http.SlowClients;
import dev.coilsight.core.image.ImageLimits;
import dev.coilsight.ingest.http.IngestHttpServer;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ImageEncoding;
import dev.coilsight.testsupport.RealInfrastructureExtension;

/** Every route and every error status of the HTTP API, against the real broker and registry. */
@ExtendWith(RealInfrastructureExtension.class)
class IngestHttpIT {

    private static final String TOKEN = "s3cret-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String topic;
    private static HttpIngestFixture ingest;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        topic = IngestFixture.newTopic(3);
        // Tight pixel limits (a 1600x256 frame passes, larger ones are refused) and 1 MB per image.
        ImageLimits limits = new ImageLimits(1_000_000, 2000, 2000, 1_000_000);
        ingest = HttpIngestFixture.start(topic, HttpIngestFixture.localSettings(TOKEN, limits.maxBytes()), limits);
        base = ingest.base();
    }

    @AfterAll
    static void stop() {
        ingest.close();
    }

    private static HttpResponse<String> post(String coil, String contentType, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/v1/coils/" + coil + "/images"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        boolean auth = true;
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equals("Authorization") && headers[i + 1] == null) {
                auth = false;
                continue;
            }
            request.header(headers[i], headers[i + 1]);
        }
        if (auth && Arrays.stream(headers).noneMatch("Authorization"::equals)) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static void assertError(HttpResponse<String> response, int status, String reason, String messagePart) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        JsonNode body = json(response);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("reason").asText()).isEqualTo(reason);
        assertThat(body.get("message").asText()).contains(messagePart);
    }

    /** Sends raw bytes (what no well-behaved client library would send) and returns what came back. */
    private static String raw(byte[] request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", ingest.server().port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            byte[] answer = new byte[16_384];
            int length = 0;
            try {
                for (int n; (n = socket.getInputStream().read(answer, length, answer.length - length)) > 0; ) {
                    length += n;
                    if (new String(answer, 0, length, StandardCharsets.ISO_8859_1).contains("}")) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // what came is the answer
            }
            return new String(answer, 0, length, StandardCharsets.ISO_8859_1);
        }
    }

    private static byte[] rawUpload(String path, String headers, byte[] body) {
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\n" + headers
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    @Test
    void badInputIsRefusedWithItsReasonAndNothingIsPublished() throws Exception {
        byte[] jpeg = Files.readAllBytes(IngestFixture.streamImages(1).get(0));

        String badEncoding = raw(rawUpload("/v1/coils/COIL-BAD%zz/images", "Content-Type: image/jpeg\r\n", jpeg));
        assertThat(badEncoding).as("bad percent-encoding in the path").startsWith("HTTP/1.1 400").contains("\"status\":400");
        // An encoded '%' ("%25zz" is "%zz" once decoded): a 400 on both routes, never a second decoding's 500.
        String uploadEncodedTwice = raw(rawUpload("/v1/coils/COIL-BAD%25zz/images", "Content-Type: image/jpeg\r\n", jpeg));
        assertThat(uploadEncodedTwice).as("an upload for an id with a '%'").startsWith("HTTP/1.1 400").contains("\"status\":400");
        String endEncodedTwice = raw(rawUpload("/v1/coils/COIL-BAD%25zz/end", "Content-Type: application/json\r\n",
                "{}".getBytes(StandardCharsets.UTF_8)));
        assertThat(endEncodedTwice).as("a coil end for an id with a '%'").startsWith("HTTP/1.1 400").contains("\"status\":400");

        HttpResponse<String> lineBreakInPath = post("COIL-BAD%0D%0AFORGED%20log%20line", "image/jpeg", jpeg);
        assertThat(lineBreakInPath.statusCode()).as("CR/LF in the coil id: " + lineBreakInPath.body()).isEqualTo(400);
        assertThat(json(lineBreakInPath).get("status").asInt()).isEqualTo(400);
        String crlfField = "--xyz\r\nContent-Disposition: form-data; name=\"cameraId\"\r\n\r\ncam\r\nFORGED log line\r\n--xyz\r\n"
                + "Content-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n";
        byte[] withField = Arrays.copyOf(crlfField.getBytes(StandardCharsets.ISO_8859_1), crlfField.length() + jpeg.length + 10);
        System.arraycopy(jpeg, 0, withField, crlfField.length(), jpeg.length);
        System.arraycopy("\r\n--xyz--\r\n".getBytes(StandardCharsets.ISO_8859_1), 0, withField, crlfField.length() + jpeg.length, 10);
        HttpResponse<String> lineBreakInField = post("COIL-BAD-F", "multipart/form-data; boundary=xyz", withField);
        assertError(lineBreakInField, 400, "invalid_field", "cameraId");
        assertThat(json(lineBreakInField).get("message").asText()).as("the value is escaped, never a raw line break")
                .doesNotContain("\r", "\n").contains("cam\\u000d\\u000aFORGED");

        String controlInHeader = raw(rawUpload("/v1/coils/COIL-BAD-H/images", "Content-Type: image/jpeg\r\nX-Camera-Id: cam\u0001one\r\n", jpeg));
        assertThat(controlInHeader).as("a control character in a header").startsWith("HTTP/1.1 400");

        String boundary = "b".repeat(71);
        byte[] multipart = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\nx\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        assertError(post("COIL-BAD-M", "multipart/form-data; boundary=" + boundary, multipart), 400, "invalid_multipart", "71 characters");

        assertError(post("COIL-BAD-T", "image/jpeg", jpeg, "X-Captured-At", Instant.now().plus(Duration.ofHours(1)).toString()), 400,
                "invalid_field", "in the future");
        assertError(post("COIL-BAD-T", "image/jpeg", jpeg, "X-Captured-At", "-300000000-01-01T00:00:00Z"), 400, "invalid_field",
                "capturedAt");
        // A clock reset to zero: before 1970 Kafka Streams would skip its results and the image would count nowhere.
        assertError(post("COIL-BAD-T", "image/jpeg", jpeg, "X-Captured-At", "1969-12-31T23:59:00Z", "X-Sequence", "3"), 400,
                "invalid_field", "is before 2000-01-01T00:00:00Z");
        // Whole header values, commas included, not the first piece of a comma-separated list.
        assertError(post("COIL-BAD-K", "image/jpeg", jpeg, "X-Camera-Id", "cam,top"), 400, "invalid_field", "cam,top");
        assertError(post("COIL-BAD-P", "image/jpeg", jpeg, "X-Position-Mm", "12,5"), 400, "invalid_field", "12,5");

        byte[] tooLarge = new byte[1_200_000];
        System.arraycopy(jpeg, 0, tooLarge, 0, jpeg.length);
        HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/coils/COIL-BAD-C/images"))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(tooLarge))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(chunked, 413, "too_large", "over the limit");

        assertError(post("COIL-BAD-A", "image/jpeg", jpeg, "Authorization", "Bearer not-the-token"), 401, "unauthorized", "wrong bearer token");

        assertThat(IngestFixture.readAll(topic, Duration.ofSeconds(1))).as("nothing of the refused uploads published")
                .noneMatch(r -> r.key().startsWith("COIL-BAD"));
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheFirstAnswerAndPublishesNothingNew() throws Exception {
        byte[] jpeg = Files.readAllBytes(IngestFixture.streamImages(3).get(2));
        // The first attempt reaches ingest, and the client gives up before the answer (its timeout, a dropped link).
        String request = "POST /v1/coils/COIL-IDEM/images HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: image/jpeg\r\nIdempotency-Key: cam-7-frame-1001\r\nContent-Length: " + jpeg.length + "\r\n\r\n";
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", ingest.server().port())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(jpeg);
            socket.getOutputStream().flush();
        }
        List<ConsumerRecord<String, ImageCaptured>> published = new ArrayList<>();
        dev.coilsight.testsupport.Await.until(Duration.ofSeconds(30), () -> {
            published.clear();
            published.addAll(IngestFixture.readAll(topic, Duration.ofMillis(500)).stream().filter(r -> r.key().equals("COIL-IDEM")).toList());
            return published.size() == 1;
        }, "the abandoned first attempt is published");

        HttpResponse<String> retry = post("COIL-IDEM", "image/jpeg", jpeg, "Idempotency-Key", "cam-7-frame-1001");
        HttpResponse<String> again = post("COIL-IDEM", "image/jpeg", jpeg, "Idempotency-Key", "cam-7-frame-1001");

        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(json(retry).get("imageId").asText()).isEqualTo(published.get(0).value().getImageId());
        assertThat(json(retry).get("offset").asLong()).isEqualTo(published.get(0).offset());
        assertThat(again.body()).isEqualTo(retry.body());
        assertThat(IngestFixture.readAll(topic, Duration.ofSeconds(1)).stream().filter(r -> r.key().equals("COIL-IDEM")).count())
                .as("nothing new published").isEqualTo(1);

        HttpResponse<String> otherImage = post("COIL-IDEM", "image/jpeg", Files.readAllBytes(IngestFixture.streamImages(4).get(3)),
                "Idempotency-Key", "cam-7-frame-1001");
        assertError(otherImage, 422, "idempotency_key_reused", "another image");
        // A refused first upload does not hold its key: the corrected retry is published at once.
        HttpResponse<String> refused = post("COIL-IDEM-2", "image/jpeg", "not an image".getBytes(StandardCharsets.UTF_8), "Idempotency-Key", "k-9");
        assertError(refused, 400, "not_an_image", "not a PNG or JPEG");
        HttpResponse<String> corrected = post("COIL-IDEM-2", "image/jpeg", jpeg, "Idempotency-Key", "k-9");
        assertThat(corrected.statusCode()).as(corrected.body()).isEqualTo(202);
        assertThat(corrected.headers().firstValue("Idempotent-Replayed")).isEmpty();

        // A key with a comma is one key: the next frame's is another, not the same first piece.
        HttpResponse<String> frame1 = post("COIL-IDEM-3", "image/jpeg", jpeg, "Idempotency-Key", "cam-7,frame-1001");
        HttpResponse<String> frame2 = post("COIL-IDEM-3", "image/jpeg", Files.readAllBytes(IngestFixture.streamImages(4).get(3)),
                "Idempotency-Key", "cam-7,frame-1002");
        assertThat(frame1.statusCode()).as(frame1.body()).isEqualTo(202);
        assertThat(frame2.statusCode()).as(frame2.body()).isEqualTo(202);
        assertThat(json(frame2).get("imageId").asText()).isNotEqualTo(json(frame1).get("imageId").asText());

        HttpResponse<String> withoutKey = post("COIL-IDEM", "image/jpeg", jpeg);
        assertThat(withoutKey.statusCode()).isEqualTo(202);
        assertThat(json(withoutKey).get("imageId").asText()).as("without a key every upload is a new image").isNotEqualTo(
                json(retry).get("imageId").asText());
    }

    @Test
    void aRetryAfterA503WithTheSameIdempotencyKeyIsPublishedOnceAndThenReplayed() throws Exception {
        ImageLimits limits = new ImageLimits(1_000_000, 2000, 2000, 1_000_000);
        try (IngestHttpServer oneSlot = new IngestHttpServer(new IngestHttpServer.Settings("127.0.0.1", 0, 1, Optional.of(TOKEN),
                limits.maxBytes(), "http"), new ImageEvents(limits, false), ingest.publisher(), ingest.metrics(), () -> true)) {
            oneSlot.start();
            String upload = "http://127.0.0.1:" + oneSlot.port() + "/v1/coils/COIL-503/images";
            byte[] jpeg = Files.readAllBytes(IngestFixture.streamImages(2).get(1));
            HttpResponse<String> refused;
            // An authenticated upload whose body has not finished arriving holds the only request slot.
            try (java.net.Socket slow = holdTheOnlySlot(oneSlot.port(), jpeg)) {
                // Refused before its body is read, the upload may see its connection closed under it rather than the 503:
                // a client sends again, as this one does until it reads the answer.
                AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
                dev.coilsight.testsupport.Await.until(Duration.ofSeconds(10), () -> {
                    try {
                        answer.set(uploadWithKey(upload, jpeg, "cam-3-frame-77"));
                        return true;
                    } catch (java.io.UncheckedIOException connectionClosed) {
                        return false;
                    }
                }, "an answer to the upload while the slot is held");
                refused = answer.get();
            }
            assertError(refused, 503, "busy", "Retry-After");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");

            // The client retries with the same key once the slot is free: published once, then replayed.
            AtomicReference<HttpResponse<String>> retry = new AtomicReference<>();
            dev.coilsight.testsupport.Await.until(Duration.ofSeconds(10), () -> {
                try {
                    retry.set(uploadWithKey(upload, jpeg, "cam-3-frame-77"));
                } catch (java.io.UncheckedIOException connectionClosed) {
                    return false; // a kept-alive connection the server closed after its 503: a client sends again
                }
                return retry.get().statusCode() != 503;
            }, "the retry is taken once the slot is free");
            HttpResponse<String> replayed = uploadWithKey(upload, jpeg, "cam-3-frame-77");

            assertThat(retry.get().statusCode()).as(retry.get().body()).isEqualTo(202);
            assertThat(retry.get().headers().firstValue("Idempotent-Replayed")).isEmpty();
            assertThat(replayed.statusCode()).isEqualTo(202);
            assertThat(replayed.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(replayed.body()).isEqualTo(retry.get().body());
            List<ConsumerRecord<String, ImageCaptured>> published = IngestFixture.readAll(topic, Duration.ofSeconds(1)).stream()
                    .filter(r -> r.key().equals("COIL-503")).toList();
            assertThat(published).as("the 503 published nothing, the retry one image, the replay nothing").hasSize(1);
            assertThat(published.get(0).value().getImageId()).isEqualTo(json(retry.get()).get("imageId").asText());
        }
    }

    /**
     * A socket whose upload holds the server's only request slot: its headers and the first bytes of its body are sent,
     * the rest never. Until the server has taken it, an upload could still get the slot, and the slow one then be
     * refused: a probe (another coil, no key, so nothing it publishes is counted) must get 503 for the slot to be held;
     * else the slow upload is sent again on a new connection.
     */
    private static java.net.Socket holdTheOnlySlot(int port, byte[] jpeg) throws IOException {
        String probe = "http://127.0.0.1:" + port + "/v1/coils/COIL-503-PROBE/images";
        for (int attempt = 0; attempt < 20; attempt++) {
            java.net.Socket slow = new java.net.Socket("127.0.0.1", port);
            slow.getOutputStream().write(("POST /v1/coils/COIL-503-SLOW/images HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + TOKEN + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().write(jpeg, 0, 100);
            slow.getOutputStream().flush();
            for (int look = 0; look < 5; look++) {
                if (answered(() -> uploadWithKey(probe, jpeg, null), 503)) {
                    return slow;
                }
            }
            slow.close();
        }
        throw new AssertionError("no slow upload held the only request slot in 20 attempts");
    }

    /** An upload with an {@code Idempotency-Key}, or none when {@code key} is null. */
    private static HttpResponse<String> uploadWithKey(String url, byte[] jpeg, String key) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofByteArray(jpeg));
            if (key != null) {
                request.header("Idempotency-Key", key);
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("upload to " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            throw new AssertionError("interrupted while uploading to " + url, e);
        }
    }

    /** Whether the request was answered with {@code status}; a connection closed under it counts as not (yet). */
    private static boolean answered(java.util.function.Supplier<HttpResponse<String>> request, int status) {
        try {
            return request.get().statusCode() == status;
        } catch (java.io.UncheckedIOException connectionClosed) {
            return false;
        }
    }

    @Test
    void idleConnectionsAndATricklingUploadCannotBlindIngest() throws Exception {
        Duration idle = Duration.ofSeconds(2);
        Duration request = Duration.ofSeconds(3);
        ImageLimits limits = new ImageLimits(1_000_000, 2000, 2000, 1_000_000);
        IngestHttpServer guarded = new IngestHttpServer(new IngestHttpServer.Settings(new HttpSettings("127.0.0.1", 0, 4, idle, request,
                16_384, 256), Optional.of(TOKEN), limits.maxBytes(), "http"), new ImageEvents(limits, false), ingest.publisher(),
                ingest.metrics(), () -> true);
        guarded.start();
        try {
            byte[] jpeg = Files.readAllBytes(IngestFixture.streamImages(1).get(0));
            SlowClients.assertTheServiceStaysUp(guarded.port(), idle, request, SlowClients.Trickle.upload("/v1/coils/COIL-SLOW/images",
                    "Authorization: Bearer " + TOKEN + "\r\nContent-Type: image/png\r\n"), () -> {
                        try {
                            HttpResponse<String> upload = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + guarded.port()
                                    + "/v1/coils/COIL-SLOW/images")).header("Authorization", "Bearer " + TOKEN).header("Content-Type", "image/jpeg")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build(), HttpResponse.BodyHandlers.ofString());
                            assertThat(upload.statusCode()).as("a normal upload meanwhile: " + upload.body()).isEqualTo(202);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    });
        } finally {
            guarded.close();
        }
    }

    @Test
    void clientsWithoutATokenTricklingTheirBodiesGiveTheirRequestSlotsBackWithinSeconds() throws Exception {
        // Three request slots and a 20 s body deadline and idle timeout: three refused clients must not hold them for 20 s.
        ImageLimits limits = new ImageLimits(1_000_000, 2000, 2000, 1_000_000);
        IngestHttpServer guarded = new IngestHttpServer(new IngestHttpServer.Settings(new HttpSettings("127.0.0.1", 0, 3,
                Duration.ofSeconds(20), Duration.ofSeconds(20), 16_384, 256), Optional.of(TOKEN), limits.maxBytes(), "http"),
                new ImageEvents(limits, false), ingest.publisher(), ingest.metrics(), () -> true);
        guarded.start();
        try (SlowClients attack = new SlowClients()) {
            List<java.util.concurrent.CompletableFuture<String>> refused = List.of(
                    attack.trickle(guarded.port(), "/v1/coils/COIL-T/images", "Content-Type: image/png\r\n", 500_000),
                    attack.trickle(guarded.port(), "/v1/coils/COIL-T/end", "Content-Type: application/json\r\n", 1_000),
                    attack.stall(guarded.port(), "/v1/coils/COIL-T/images", "Content-Type: image/png\r\n", 100));
            for (java.util.concurrent.CompletableFuture<String> answer : refused) {
                assertThat(answer.get(5, java.util.concurrent.TimeUnit.SECONDS)).as("a client without a token, trickling")
                        .matches("HTTP/1\\.1 401 .*|closed");
            }
            byte[] jpeg = Files.readAllBytes(IngestFixture.streamImages(1).get(0));
            HttpResponse<String> upload = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + guarded.port()
                    + "/v1/coils/COIL-T/images")).header("Authorization", "Bearer " + TOKEN).header("Content-Type", "image/jpeg")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).as("a normal upload after them: " + upload.body()).isEqualTo(202);
        } finally {
            guarded.close();
        }
    }

    @Test
    void rawJpegIsAcceptedAfterTheBrokerAcknowledgedIt() throws Exception {
        byte[] jpeg = Files.readAllBytes(IngestFixture.streamImages(1).get(0));

        HttpResponse<String> response = post("COIL-A1", "image/jpeg", jpeg,
                "X-Camera-Id", "cam-top", "X-Sequence", "42", "X-Captured-At", "2026-11-24T08:00:00Z",
                "X-Position-Mm", "1234.5", "X-Line-Id", "hsm-2");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode accepted = json(response);
        String imageId = accepted.get("imageId").asText();
        assertThat(accepted.get("offset").asLong()).isNotNegative();
        List<ConsumerRecord<String, ImageCaptured>> records = IngestFixture.read(topic, 1).stream()
                .filter(r -> r.value().getImageId().equals(imageId)).toList();
        assertThat(records).hasSize(1);
        ConsumerRecord<String, ImageCaptured> record = records.get(0);
        assertThat(record.key()).isEqualTo("COIL-A1");
        assertThat(record.partition()).isEqualTo(accepted.get("partition").asInt());
        assertThat(record.offset()).isEqualTo(accepted.get("offset").asLong());
        ImageCaptured event = record.value();
        assertThat(IngestFixture.bytes(event)).isEqualTo(jpeg);
        assertThat(event.getEncoding()).isEqualTo(ImageEncoding.JPEG);
        assertThat(event.getWidth()).isEqualTo(1600);
        assertThat(event.getHeight()).isEqualTo(256);
        assertThat(event.getCameraId()).isEqualTo("cam-top");
        assertThat(event.getSequence()).isEqualTo(42);
        assertThat(event.getCapturedAt()).isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
        assertThat(event.getPositionMm()).isEqualTo(1234.5);
        assertThat(event.getLineId()).isEqualTo("hsm-2");
        assertThat(new String(record.headers().lastHeader(ImagePublisher.SOURCE_HEADER).value(), StandardCharsets.UTF_8)).isEqualTo("http");
    }

    @Test
    void multipartWithFormFieldsAndAPngWhateverItsName() throws Exception {
        byte[] png = Files.readAllBytes(IngestFixture.samplePng());
        String boundary = "----coilsight" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String[] field : new String[][] {{"cameraId", "cam-bottom"}, {"sequence", "7"}, {"capturedAt", "1764000000000"}}) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n" + field[1] + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"0030401a5.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(png);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = post("COIL-M1", "multipart/form-data; boundary=" + boundary, body.toByteArray());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json(response).get("encoding").asText()).isEqualTo("PNG");
        String imageId = json(response).get("imageId").asText();
        ImageCaptured event = IngestFixture.read(topic, 1).stream().map(ConsumerRecord::value)
                .filter(v -> v.getImageId().equals(imageId)).findFirst().orElseThrow();
        assertThat(IngestFixture.bytes(event)).isEqualTo(png);
        assertThat(event.getCameraId()).isEqualTo("cam-bottom");
        assertThat(event.getSequence()).isEqualTo(7);
        assertThat(event.getCapturedAt()).isEqualTo(Instant.ofEpochMilli(1_764_000_000_000L));
        assertThat(event.getPositionMm()).isNull();
    }

    @Test
    void badRequestsNameTheProblem() throws Exception {
        byte[] jpeg = Files.readAllBytes(IngestFixture.streamImages(1).get(0));
        assertError(post("COIL-B", "image/png", "this is not an image".getBytes()), 400, "not_an_image", "not a PNG or JPEG");
        assertError(post("COIL-B", "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 2)), 400, "corrupt", "truncated JPEG");
        assertError(post("COIL-B", "image/jpeg", jpeg, "X-Sequence", "seven"), 400, "invalid_field", "sequence must be a whole number");
        assertError(post("COIL-B", "image/jpeg", jpeg, "X-Captured-At", "yesterday"), 400, "invalid_field", "capturedAt must be ISO-8601");
        assertError(post("COIL-B", "image/jpeg", jpeg, "X-Position-Mm", "-5"), 400, "invalid_field", "positionMm must be a number >= 0");
        assertError(post("bad%20coil", "image/jpeg", jpeg), 400, "invalid_field", "coilId must be");
        assertError(post("COIL-B", "image/jpeg", new byte[0]), 400, "not_an_image", "empty image");
        assertError(post("COIL-B", "multipart/form-data; boundary=xyz",
                "--xyz\r\nContent-Disposition: form-data; name=\"cameraId\"\r\n\r\ncam\r\n--xyz--\r\n".getBytes()),
                400, "missing_image", "no 'image' part");
    }

    @Test
    void missingOrWrongTokenIs401() throws Exception {
        byte[] jpeg = Files.readAllBytes(IngestFixture.streamImages(1).get(0));
        HttpResponse<String> missing = post("COIL-C", "image/jpeg", jpeg, "Authorization", null);
        assertError(missing, 401, "unauthorized", "missing bearer token");
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertError(post("COIL-C", "image/jpeg", jpeg, "Authorization", "Bearer nope"), 401, "unauthorized", "wrong bearer token");
    }

    @Test
    void oversizedBodiesAndDimensionsAre413() throws Exception {
        assertError(post("COIL-D", "image/jpeg", new byte[1_200_000]), 413, "too_large", "over the limit of 1000000 bytes");
        // A real, small PNG whose header says 2400x100: over the 2000-pixel width limit, refused before decoding.
        java.awt.image.BufferedImage wide = new java.awt.image.BufferedImage(2400, 100, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(wide, "png", png);
        assertError(post("COIL-D", "image/png", png.toByteArray()), 413, "too_large", "2400x100 pixels is over the limits");
    }

    @Test
    void refusedUploadsAreAnsweredNotResetWhileTheBodyIsStillComing() throws Exception {
        // Refused before their bodies are read: the server must not close the connection on unread bytes,
        // which resets it under the client before it has read the answer.
        byte[] png = Files.readAllBytes(IngestFixture.samplePng());
        for (int i = 0; i < 20; i++) {
            assertError(post("COIL-R", "image/png", png, "Authorization", null), 401, "unauthorized", "missing bearer token");
            assertError(post("COIL-R", "image/jpeg", new byte[1_200_000]), 413, "too_large", "over the limit");
        }
    }

    @Test
    void otherContentTypesAre415() throws Exception {
        assertError(post("COIL-E", "text/plain", "hello".getBytes()), 415, "unsupported_type", "unsupported content type 'text/plain'");
        assertError(post("COIL-E", "image/gif", "GIF89a".getBytes()), 415, "unsupported_type", "image/gif");
        assertError(post("COIL-E", null, "x".getBytes()), 415, "unsupported_type", "(none)");
    }

    @Test
    void aRegistryThatAcceptsConnectionsAndNeverAnswersIs503WithinTheProduceTimeoutNotAMinute() throws Exception {
        // A listening socket that never accepts: the TCP handshake completes in the backlog, no HTTP answer ever comes.
        try (ServerSocket silent = new ServerSocket(0, 50);
             ImagePublisher stuck = new ImagePublisher(ClusterSettings.plain(dev.coilsight.testsupport.TestInfrastructure.kafka().bootstrapServers(),
                     "http://127.0.0.1:" + silent.getLocalPort()), topic, Duration.ofSeconds(4), 1_000_000);
             IngestHttpServer stuckServer = new IngestHttpServer(new IngestHttpServer.Settings("127.0.0.1", 0, 2, Optional.empty(),
                     1_000_000, "http"), new ImageEvents(ImageLimits.DEFAULT, false), stuck, new IngestMetrics(), stuck::brokerReachable)) {
            stuckServer.start();
            byte[] jpeg = Files.readAllBytes(IngestFixture.streamImages(1).get(0));
            long started = System.nanoTime();
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + stuckServer.port() + "/v1/coils/COIL-R/images"))
                    .header("Content-Type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

            assertError(response, 503, "registry_unavailable", "schema registry could not be reached");
            assertThat(response.body()).as("no address in the answer").doesNotContain("127.0.0.1");
            assertThat(response.headers().firstValue("Retry-After")).contains("5");
            // Two tries of a quarter of the 4 s timeout (1 s each); the registry client's own defaults took about 66 s.
            assertThat(seconds).as("seconds until the answer").isLessThan(10);
        }
    }

    @Test
    void anUnreachableBrokerIs503AndNotReady() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (ImagePublisher dead = new ImagePublisher(ClusterSettings.plain("127.0.0.1:" + closedPort,
                dev.coilsight.testsupport.TestInfrastructure.registry().ccompatUrl()), topic, Duration.ofSeconds(3), 1_000_000);
             IngestHttpServer deadServer = new IngestHttpServer(new IngestHttpServer.Settings("127.0.0.1", 0, 2, Optional.empty(),
                     1_000_000, "http"), new ImageEvents(ImageLimits.DEFAULT, false), dead, new IngestMetrics(), dead::brokerReachable)) {
            deadServer.start();
            byte[] jpeg = Files.readAllBytes(IngestFixture.streamImages(1).get(0));
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + deadServer.port() + "/v1/coils/COIL-F/images"))
                    .header("Content-Type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertError(response, 503, "broker_unavailable", "may or may not have been published");
            assertThat(response.headers().firstValue("Retry-After")).contains("5");
            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + deadServer.port() + "/ready"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
        }
    }

    @Test
    void operationalEndpoints() throws Exception {
        HttpResponse<String> openApi = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/openapi.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(openApi.statusCode()).isEqualTo(200);
        JsonNode doc = json(openApi);
        assertThat(doc.get("openapi").asText()).startsWith("3.");
        assertThat(doc.at("/paths/~1v1~1coils~1{coilId}~1images/post/responses").fieldNames())
                .toIterable().contains("202", "400", "401", "413", "415", "503");

        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
        assertError(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/nowhere")).build(), HttpResponse.BodyHandlers.ofString()),
                404, "not_found", "/nowhere");

        post("COIL-G", "text/plain", "x".getBytes());
        byte[] jpeg = Files.readAllBytes(IngestFixture.streamImages(1).get(0));
        assertThat(post("COIL-G", "image/jpeg", jpeg).statusCode()).isEqualTo(202);
        String scrape = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(scrape).contains("coilsight_ingest_images_accepted_total{source=\"http\"}")
                .contains("coilsight_ingest_images_rejected_total{reason=\"unsupported_type\",source=\"http\"}")
                .contains("coilsight_ingest_bytes_total")
                .contains("coilsight_ingest_produce_latency_seconds_bucket");
    }
}
