package dev.coilsight.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.testsupport.CommandRun;
import dev.coilsight.testsupport.SharedData;

/**
 * {@code ./coilsight bench --json} end to end on 4 real stream images: real broker and registry, both
 * default models, every phase; checks the figures are there and sane, not their values (this machine
 * is shared and small).
 */
class BenchSmokeIT {

    @Test
    void everyPhaseOnFourImages() throws Exception {
        Path images = SharedData.require("severstal-stream");
        CommandRun run = CommandRun.of(CommandLines.create(new BenchCommand()), "--images", images.toString(), "--count", "4", "--batch", "2",
                "--latency-images", "2", "--overhead-count", "5", "--warmup-rounds", "0", "--json");
        assertThat(run.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        for (String key : new String[] {"bareImagesPerSec", "batch1ImagesPerSec", "pipelineImagesPerSec", "pipelineOverBare",
                "batchedOverBatch1", "latencyP50Ms", "latencyP95Ms", "latencyP99Ms", "overheadP50Ms"}) {
            assertThat(json.get(key).asDouble()).as(key).isPositive();
        }
        assertThat(json.get("images").asInt()).isEqualTo(4);
        assertThat(json.get("latencyImages").asInt()).isEqualTo(2);
        assertThat(json.get("latencyP50Ms").asDouble()).isLessThanOrEqualTo(json.get("latencyP99Ms").asDouble());
        int classified = 0;
        for (var batches : json.get("batchSizes").get("classifier").properties()) {
            classified += Integer.parseInt(batches.getKey()) * batches.getValue().asInt();
        }
        assertThat(classified).as("every image in one classifier batch").isEqualTo(4);
    }
}
