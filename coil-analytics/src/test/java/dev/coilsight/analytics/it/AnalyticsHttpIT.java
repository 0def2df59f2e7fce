package dev.coilsight.analytics.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.analytics.AnalyticsService;
import dev.coilsight.serviceruntime.http.SlowClients;
import dev.coilsight.testsupport.RealInfrastructureExtension;

/** coil-analytics' API and dashboard against idle and slow clients, on the real broker and registry. */
@ExtendWith(RealInfrastructureExtension.class)
class AnalyticsHttpIT {

    @TempDir
    Path dir;

    @Test
    void onlyViewersReadTheApiAndTheDashboardAndOnlyInstancesTheInternalApi() throws Exception {
        AnalyticsFixture.TestTopics topics = new AnalyticsFixture.TestTopics("it-auth-" + UUID.randomUUID());
        topics.create(1);
        try (AnalyticsService service = AnalyticsFixture.start(topics, "auth-it-" + UUID.randomUUID(), dir.resolve("auth"), Map.of())) {
            AnalyticsFixture.awaitRunning(service);
            String viewer = "Bearer " + AnalyticsFixture.VIEWER_TOKEN;
            String internal = "Bearer " + AnalyticsFixture.INTERNAL_TOKEN;

            for (String path : new String[] {"/v1/coils", "/", "/internal/v1/coils"}) {
                HttpResponse<byte[]> anonymous = AnalyticsFixture.get(service, path, "X-Nobody", "1");
                assertThat(anonymous.statusCode()).as("no token on " + path).isEqualTo(401);
                assertThat(AnalyticsFixture.JSON.readTree(anonymous.body()).get("reason").asText()).isEqualTo("unauthorized");
                assertThat(AnalyticsFixture.get(service, path, "Authorization", "Bearer wrong-token-0123456789").statusCode())
                        .as("a wrong token on " + path).isEqualTo(401);
            }
            assertThat(AnalyticsFixture.get(service, "/v1/coils", "Authorization", viewer).statusCode()).isEqualTo(200);
            assertThat(AnalyticsFixture.get(service, "/", "Authorization", viewer).statusCode()).isEqualTo(200);
            assertThat(AnalyticsFixture.get(service, "/internal/v1/coils", "Authorization", viewer).statusCode())
                    .as("a viewer on the internal API").isEqualTo(401);
            assertThat(AnalyticsFixture.get(service, "/internal/v1/coils", "Authorization", internal).statusCode()).isEqualTo(200);
            assertThat(AnalyticsFixture.get(service, "/internal/v1/coils", "Authorization", "Bearer next-internal-token-0123456789").statusCode())
                    .as("the rotation's next internal token").isEqualTo(200);
            assertThat(AnalyticsFixture.get(service, "/health", "X-Nobody", "1").statusCode()).as("probes need no token").isEqualTo(200);

            HttpResponse<byte[]> signIn = AnalyticsFixture.get(service, "/?token=" + AnalyticsFixture.VIEWER_TOKEN, "X-Nobody", "1");
            assertThat(signIn.statusCode()).isEqualTo(303);
            assertThat(signIn.headers().firstValue("Location")).hasValue("/");
            String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).contains("HttpOnly", "SameSite=Lax");
            assertThat(AnalyticsFixture.get(service, "/v1/coils", "Cookie", cookie.split(";")[0]).statusCode()).as("the cookie").isEqualTo(200);
        }
    }

    @Test
    void idleConnectionsAndATricklingRequestCannotBlindTheApiAndDashboard() throws Exception {
        AnalyticsFixture.TestTopics topics = new AnalyticsFixture.TestTopics("it-http-" + UUID.randomUUID());
        topics.create(1);
        try (AnalyticsService service = AnalyticsFixture.start(topics, "http-it-" + UUID.randomUUID(), dir,
                Map.of("COILSIGHT_HTTP_IDLE_TIMEOUT_MS", "2000", "COILSIGHT_HTTP_REQUEST_TIMEOUT_MS", "3000"))) {
            AnalyticsFixture.awaitRunning(service);
            SlowClients.assertTheServiceStaysUp(service.httpPort(), Duration.ofSeconds(2), Duration.ofSeconds(3),
                    new SlowClients.Trickle("/v1/coils", "Content-Type: application/json\r\n", "HTTP/1\\.1 (401|404|405|408) .*|closed"), () -> {
                        assertThat(AnalyticsFixture.get(service, "/v1/coils").statusCode()).isEqualTo(200);
                        assertThat(AnalyticsFixture.get(service, "/").statusCode()).as("the dashboard").isEqualTo(200);
                    });
        }
    }
}
