package dev.coilsight.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** coil-analytics' REST API as the demo's terminal reads it, like any other client would. */
final class AnalyticsClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String apiBase;

    AnalyticsClient(String dashboardUrl) {
        this.apiBase = dashboardUrl.endsWith("/") ? dashboardUrl.substring(0, dashboardUrl.length() - 1) : dashboardUrl;
    }

    /** The JSON answer, or null while the API cannot answer (starting, rebalancing, not there yet). */
    JsonNode get(String pathAndQuery) {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(apiBase + pathAndQuery)).timeout(Duration.ofSeconds(5))
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
