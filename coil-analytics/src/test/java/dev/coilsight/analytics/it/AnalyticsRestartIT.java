package dev.coilsight.analytics.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.coilsight.analytics.AnalyticsService;
import dev.coilsight.analytics.Records;
import dev.coilsight.embedded.Ports;
import dev.coilsight.testsupport.Await;
import dev.coilsight.testsupport.ChildJvm;
import dev.coilsight.testsupport.RealInfrastructureExtension;

/**
 * coil-analytics in a JVM of its own, killed as the OOM killer kills (SIGKILL: no clean close, no leaving the group)
 * and started again under the same {@code COILSIGHT_GROUP_INSTANCE_ID} and state folder, as Kubernetes restarts a
 * StatefulSet's pod. The group's session is two minutes here, so that waiting it out cannot pass for a quick return.
 * And two instances given one name by mistake: the older one stops.
 */
@ExtendWith(RealInfrastructureExtension.class)
class AnalyticsRestartIT {

    private static final Duration SESSION = Duration.ofMinutes(2);
    private static final int COILS = 4;
    private static final long T0 = Instant.parse("2026-12-07T08:00:00Z").toEpochMilli();

    @TempDir
    Path state;
    @TempDir
    Path logs;

    private final Map<String, Long> imagesSent = new HashMap<>();
    private Process analytics;

    @AfterEach
    void stop() throws InterruptedException {
        if (analytics != null) {
            analytics.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anInstanceKilledAndStartedAgainUnderItsNameCountsEveryCoilExactlyBeforeItsSessionWouldHaveEnded() throws Exception {
        AnalyticsFixture.TestTopics topics = new AnalyticsFixture.TestTopics("restart");
        topics.create(2);
        int port = Ports.free();
        Map<String, String> env = AnalyticsFixture.environment(topics, "analytics-restart-" + UUID.randomUUID(), state, Map.of(
                "COILSIGHT_HTTP_PORT", String.valueOf(port),
                "COILSIGHT_GROUP_INSTANCE_ID", "coil-analytics-0",
                "COILSIGHT_KAFKA_SESSION_TIMEOUT_MS", String.valueOf(SESSION.toMillis())));
        try (KafkaProducer<String, SpecificRecord> producer = AnalyticsFixture.producer()) {
            analytics = start(env, "first");
            Await.until(Duration.ofSeconds(90), () -> ready(port), "coil-analytics is ready");
            sendImages(producer, topics, 0, 5);
            Await.until(Duration.ofSeconds(60), () -> everyCoilCounted(port), "every coil's figures");

            analytics.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            sendImages(producer, topics, 5, 3); // arrive while nobody reads them
            long restarted = System.nanoTime();
            analytics = start(env, "second");

            // Waits longer than the session, so that a failure says how long the return took.
            Await.until(SESSION.plusSeconds(60), () -> everyCoilCounted(port), "every coil's figures after the restart");
            Duration back = Duration.ofNanos(System.nanoTime() - restarted);
            assertThat(back).as("every coil counted again (JVM start included) within half of the dead process's session")
                    .isLessThan(SESSION.dividedBy(2));
            for (String coil : imagesSent.keySet()) {
                JsonNode stats = AnalyticsFixture.json(get(port, "/v1/coils/" + coil), "/v1/coils/" + coil).get("stats");
                assertThat(stats.get("imagesInspected").asLong()).as(coil).isEqualTo(8);
                assertThat(stats.get("defectiveImages").asLong()).as(coil).isEqualTo(4);
            }
        }
    }

    @Test
    void aSecondInstanceUnderTheSameNameStopsTheFirstRatherThanBothRunningUnderOneName(@TempDir Path otherState) throws Exception {
        AnalyticsFixture.TestTopics topics = new AnalyticsFixture.TestTopics("same-name");
        topics.create(2);
        String applicationId = "analytics-same-name-" + UUID.randomUUID();
        Map<String, String> sameName = Map.of("COILSIGHT_GROUP_INSTANCE_ID", "coil-analytics-0");
        try (AnalyticsService first = AnalyticsFixture.start(topics, applicationId, state, sameName)) {
            AnalyticsFixture.awaitRunning(first);
            try (AnalyticsService second = AnalyticsFixture.start(topics, applicationId, otherState, sameName)) {
                Await.until(Duration.ofSeconds(60), () -> first.state() == KafkaStreams.State.ERROR, "the first instance has stopped");
                AnalyticsFixture.awaitRunning(second);
                assertThat(AnalyticsFixture.get(first, "/health").statusCode()).isEqualTo(503);
                assertThat(AnalyticsFixture.get(second, "/health").statusCode()).isEqualTo(200);
            }
        }
    }

    private Process start(Map<String, String> env, String name) throws IOException {
        return ChildJvm.start(AnalyticsService.class, List.of("-Xmx512m"), List.of(), env, logs.resolve(name + ".log"));
    }

    /** Images {@code from .. from+count-1} of every coil, every other one defective. */
    private void sendImages(KafkaProducer<String, SpecificRecord> producer, AnalyticsFixture.TestTopics topics, int from, int count) {
        for (int c = 0; c < COILS; c++) {
            String coil = "coil-r" + c;
            for (int i = from; i < from + count; i++) {
                AnalyticsFixture.send(producer, topics.classifications(), coil,
                        Records.classified(coil, coil + "-img-" + i, "L1", T0 + i * 10_000L, i % 2 == 0));
            }
            imagesSent.merge(coil, (long) count, Long::sum);
        }
    }

    private boolean everyCoilCounted(int port) {
        for (Map.Entry<String, Long> coil : imagesSent.entrySet()) {
            HttpResponse<byte[]> response = get(port, "/v1/coils/" + coil.getKey());
            if (response == null || response.statusCode() != 200) {
                return false;
            }
            try {
                if (AnalyticsFixture.JSON.readTree(response.body()).get("stats").get("imagesInspected").asLong() != coil.getValue()) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    private static boolean ready(int port) {
        HttpResponse<byte[]> response = get(port, "/ready");
        return response != null && response.statusCode() == 200;
    }

    /** A viewer's GET; null while nothing listens on the port (the JVM is starting). */
    private static HttpResponse<byte[]> get(int port, String path) {
        try {
            return AnalyticsFixture.get(port, path, "Authorization", "Bearer " + AnalyticsFixture.VIEWER_TOKEN);
        } catch (java.io.UncheckedIOException e) {
            return null;
        }
    }
}
