package dev.coilsight.analytics.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.analytics.AnalyticsService;
import dev.coilsight.http.SlowClients;
import dev.coilsight.testsupport.RealInfrastructureExtension;

/** coil-analytics' API and dashboard against idle and slow clients, on the real broker and registry. */
@ExtendWith(RealInfrastructureExtension.class)
class AnalyticsHttpIT {

    @TempDir
    Path dir;

    @Test
    void idleConnectionsAndATricklingRequestCannotBlindTheApiAndDashboard() throws Exception {
        AnalyticsFixture.TestTopics topics = new AnalyticsFixture.TestTopics("it-http-" + UUID.randomUUID());
        topics.create(1);
        try (AnalyticsService service = AnalyticsFixture.start(topics, "http-it-" + UUID.randomUUID(), dir,
                Map.of("COILSIGHT_HTTP_IDLE_TIMEOUT_MS", "2000", "COILSIGHT_HTTP_REQUEST_TIMEOUT_MS", "3000"))) {
            AnalyticsFixture.awaitRunning(service);
            SlowClients.assertTheServiceStaysUp(service.httpPort(), Duration.ofSeconds(2), Duration.ofSeconds(3),
                    new SlowClients.Trickle("/v1/coils", "Content-Type: application/json\r\n", "HTTP/1\\.1 (404|405|408) .*|closed"), () -> {
                        assertThat(AnalyticsFixture.get(service, "/v1/coils").statusCode()).isEqualTo(200);
                        assertThat(AnalyticsFixture.get(service, "/").statusCode()).as("the dashboard").isEqualTo(200);
                    });
        }
    }
}
