package dev.coilsight.bench.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.bench.BenchCommand;
import dev.coilsight.cli.CommandLines;
import dev.coilsight.testsupport.CommandRun;

/**
 * {@code ./coilsight bench http-servers --json} in this JVM, two servers on 100 KB bodies for 1 s each: every
 * server measured once per size with no errors and a positive rate, the Jetty front as the yardstick, and the
 * setup the command ran with (every option, defaults included) in the report.
 */
class HttpServersBenchSmokeIT {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Test
    void twoServersForOneSecondEach() throws Exception {
        CommandRun run = CommandRun.of(CommandLines.create(new BenchCommand()), "http-servers", "--servers", "jetty-front,jdk",
                "--sizes", "100000", "--seconds", "1", "--warmup", "1", "--rounds", "1", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = JSON.readTree(run.out()); // exactly one JSON object: trailing output fails
        assertThat(json.get("results")).hasSize(2);
        for (JsonNode result : json.get("results")) {
            assertThat(result.get("bodyBytes").asInt()).isEqualTo(100_000);
            assertThat(result.get("requestsPerSecond").asDouble()).as(result.get("server").asText()).isPositive();
            assertThat(result.get("errors").asLong()).isZero();
        }
        assertThat(json.get("results").get(0).get("overJettyFront").asDouble()).isEqualTo(1.0);
        JsonNode setup = json.get("setup");
        assertThat(setup.get("servers")).extracting(JsonNode::asText).isEqualTo(List.of("jetty-front", "jdk"));
        assertThat(setup.get("clients").asInt()).isEqualTo(8); // a default, recorded as well
        assertThat(setup.get("maxRequests").asInt()).isEqualTo(16);
        assertThat(setup.get("cpus").asInt()).isPositive();
    }
}
