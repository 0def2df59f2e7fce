package dev.coilsight.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.analytics.review.ExportLabelsCommand;
import dev.coilsight.cli.CommandLines;
import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.embedded.Ports;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.rle.RleRow;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.testsupport.Await;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.trainer.train.TrainCommand;

/**
 * The review loop end to end on the embedded system with the default models: real Severstal images go through ingest,
 * the classifier and the segmenter; a reviewer corrects the defective ones to their true masks through the API;
 * {@code export-labels} writes them as a data set whose masks are the reviews; the default segmenter fine-tuned on it
 * for a few steps runs as a shadow worker on the same input; and coil-analytics' comparison of the two, with the
 * reviews, appears in the API.
 */
class ReviewLoopIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String COIL = "loop-coil";

    @TempDir
    Path dir;

    @Test
    void reviewsBecomeADataSetAndAModelFineTunedOnItIsComparedInShadow() throws Exception {
        Path sample = SharedData.require("severstal-sample");
        Map<String, List<RleRow>> truth = new HashMap<>();
        for (RleRow row : KaggleCsv.readAll(sample.resolve("train.csv"))) {
            truth.computeIfAbsent(row.imageId(), k -> new ArrayList<>()).add(row);
        }
        DevStack.Settings settings = new DevStack.Settings(dir.resolve("stack"), ROOT.resolve("models/severstal-classifier"),
                ROOT.resolve("models/severstal-resunet"), Ports.free(), Ports.free(), Ports.free(), Ports.free(), 1, 1, 4);
        try (DevStack stack = DevStack.start(settings, (part, where) -> { })) {
            Map<String, String> fileOf = new LinkedHashMap<>();
            try (var files = Files.list(sample.resolve("train_images"))) {
                for (Path image : files.sorted().toList()) {
                    fileOf.put(upload(stack, Files.readAllBytes(image)), image.getFileName().toString());
                }
            }
            String api = "http://127.0.0.1:" + stack.dashboardPort();
            AtomicReference<JsonNode> defects = new AtomicReference<>();
            Await.until(Duration.ofMinutes(4), () -> {
                JsonNode stats = get(api + "/v1/coils/" + COIL);
                if (stats == null || stats.get("stats").get("imagesInspected").asInt() < fileOf.size()) {
                    return false;
                }
                JsonNode grade = get(api + "/v1/coils/" + COIL + "/defects?limit=50");
                defects.set(grade);
                return grade != null && grade.get("defects").size() == stats.get("stats").get("defectiveImages").asInt();
            }, "all sample images classified and the defective ones segmented");

            // The reviewer paints each defective image kept to its true masks (none for a defect-free one).
            List<String> reviewed = new ArrayList<>();
            for (JsonNode d : defects.get().get("defects")) {
                if (d.get("imageUrl").isNull()) {
                    continue;
                }
                String imageId = d.get("imageId").asText();
                List<Map<String, Object>> masks = new ArrayList<>();
                for (RleRow row : truth.getOrDefault(fileOf.get(imageId), List.of())) {
                    masks.add(Map.of("classId", row.classId(), "rle", row.rle()));
                }
                String body = JSON.writeValueAsString(Map.of("reviewId", "loop-" + imageId, "verdict", "CORRECTED", "masks", masks));
                HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/v1/coils/" + COIL + "/images/" + imageId + "/reviews"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
                reviewed.add(imageId);
            }
            assertThat(reviewed).hasSizeGreaterThanOrEqualTo(4);

            Path labels = dir.resolve("labels");
            assertThat(CommandLines.create(new ExportLabelsCommand()).execute("--out", labels.toString(), "--bootstrap-servers", stack.bootstrapServers(),
                    "--registry", stack.registryUrl())).isZero();
            LabeledDataset data = Datasets.open(labels, Optional.empty());
            assertThat(data.imageIds()).hasSize(reviewed.size());
            for (String imageId : reviewed) {
                // Named by the image id, with the extension of what the bytes are (the sample's .jpg files hold PNGs).
                String file = data.imageIds().stream().filter(f -> f.startsWith(imageId + ".")).findFirst().orElseThrow(
                        () -> new AssertionError(imageId + " is not among the exported images " + data.imageIds()));
                for (RleRow row : truth.getOrDefault(fileOf.get(imageId), List.of())) {
                    assertThat(data.masks(file, 256, 1600)).as("%s (%s) class %d", file, fileOf.get(imageId), row.classId()).containsKey(row.classId());
                    assertThat(RunLengthEncoding.encode(data.masks(file, 256, 1600).get(row.classId())))
                            .isEqualTo(RunLengthEncoding.encode(RunLengthEncoding.decode(row.rle(), 256, 1600)));
                }
            }

            Path candidate = dir.resolve("candidate");
            int trained = CommandLines.create(new TrainCommand()).execute("segmenter", "--dataset", labels.toString(), "--val-fraction", "0.34",
                    "--width", "24", "--depth", "3", "--init-from", ROOT.resolve("models/severstal-resunet").toString(), "--init-scope", "matching",
                    "--lr", "0.0001", "--batch", "2", "--crop", "256x256", "--epochs", "1", "--max-batches-per-epoch", "2", "--threads", "2",
                    "--run-dir", dir.resolve("run").toString(), "--output", candidate.toString(), "--name", "severstal-resunet-candidate",
                    "--model-version", "2");
            assertThat(trained).isZero();
            assertThat(ModelCard.read(candidate).name()).isEqualTo("severstal-resunet-candidate");

            int shadowOps = stack.startShadowSegmenter(candidate);
            AtomicReference<JsonNode> shadow = new AtomicReference<>();
            Await.until(Duration.ofMinutes(3), () -> {
                JsonNode report = get(api + "/v1/shadow");
                shadow.set(report);
                JsonNode seg = report == null ? null : report.get("segmenter");
                return seg != null && seg.get("imagesCompared").asInt() == defects.get().get("defects").size()
                        && seg.path("againstReviews").path("images").asInt() == reviewed.size();
            }, "the shadow's results compared with the live ones and the reviews");
            JsonNode seg = shadow.get().get("segmenter");
            System.out.println("shadow comparison: " + seg);
            assertThat(seg.get("shadow").asText()).isEqualTo("severstal-resunet-candidate:2");
            assertThat(seg.get("live").asText()).startsWith("severstal-resunet:");
            assertThat(seg.get("meanDice").asDouble()).isBetween(0.0, 1.0);
            assertThat(seg.get("againstReviews").get("liveDice").asDouble()).isBetween(0.0, 1.0);
            assertThat(seg.get("againstReviews").get("shadowDice").asDouble()).isBetween(0.0, 1.0);
            assertThat(seg.get("disagreements")).isNotEmpty();
            // The shadow's metrics are its own stage's, so that they do not add to the live segmenter's.
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + shadowOps + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("coilsight_worker_model_loaded{name=\"severstal-resunet-candidate\",stage=\"segmenter-shadow\",version=\"2\"} 1.0")
                    .contains("coilsight_worker_images_total{outcome=\"result\",stage=\"segmenter-shadow\"}")
                    .doesNotContain("stage=\"segmenter\"");
            // Nothing the shadow wrote counts: the coil still has as many segmented images as the live segmenter made.
            assertThat(get(api + "/v1/coils/" + COIL + "/defects?limit=50").get("defects")).hasSize(defects.get().get("defects").size());
        }
    }

    private static String upload(DevStack stack, byte[] jpeg) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.ingestUrl() + "/v1/coils/" + COIL + "/images"))
                .header("Authorization", "Bearer " + stack.ingestToken()).header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("imageId").asText();
    }

    /** The JSON a GET answers, or null while it is not 200 (starting, rebalancing). */
    private static JsonNode get(String url) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
