package dev.coilsight.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.testsupport.CommandRun;
import dev.coilsight.testsupport.SharedData;

/**
 * {@code ./coilsight bench ingest --json} in this JVM on the 16 Severstal sample images, every phase for
 * 1 s after a 1 s warm-up, with its own in-process broker and registry: the figures are there and
 * positive (not their values: this machine is shared and small), and every phase's topic held exactly
 * the images acknowledged in it.
 */
class IngestBenchSmokeIT {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Test
    void everyPhaseForOneSecond() throws Exception {
        Path images = SharedData.require("severstal-sample");
        CommandRun run = CommandRun.of(CommandLines.create(new BenchCommand()), "ingest", "--images", images.toString(), "--seconds", "1", "--warmup", "1",
                "--rounds", "1", "--warmup-rounds", "0", "--json");

        assertThat(run.exitCode()).isZero();
        JsonNode json = JSON.readTree(run.out()); // exactly one JSON object: trailing output fails
        for (String key : new String[] {"httpOverRaw", "httpImagesPerSec", "httpMBPerSec", "rawImagesPerSec", "rawMBPerSec",
                "httpLatencyP50Ms", "httpLatencyP95Ms", "publisherImagesPerSec", "httpNullImagesPerSec", "imageBytesMean"}) {
            assertThat(json.path(key).asDouble()).as(key).isPositive();
        }
        assertThat(json.get("httpLatencyP50Ms").asDouble()).isLessThanOrEqualTo(json.get("httpLatencyP95Ms").asDouble());
        assertThat(json.get("httpOverRawRounds")).hasSize(1);
        assertThat(json.get("images").asInt()).isEqualTo(BenchInputs.images(images, 0).size());
        assertThat(json.get("clients").asInt()).isEqualTo(8);
        assertThat(json.get("errors").asLong()).isZero();
        assertThat(json.get("phases")).hasSize(5);
        for (JsonNode phase : json.get("phases")) {
            String name = phase.get("phase").asText();
            assertThat(phase.get("images").asLong()).as(name).isPositive().isLessThanOrEqualTo(phase.get("published").asLong());
            if (!name.equals("http-null")) {
                assertThat(phase.get("recordsInTopic").asLong()).as(name + ": records in its topic").isEqualTo(phase.get("published").asLong());
            }
        }
    }

    @Test
    void aMissingImageFolderIsOneLineAndExitTwo() {
        CommandRun run = CommandRun.of(CommandLines.create(new BenchCommand()), "ingest", "--images", "/nonexistent/coilsight-images");

        assertThat(run.exitCode()).isEqualTo(CommandLines.BAD_INPUT);
        assertThat(run.err().strip()).doesNotContain("\n").contains("/nonexistent/coilsight-images").contains("does not exist");
    }
}
