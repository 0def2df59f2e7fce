package dev.coilsight.analytics.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

import dev.coilsight.analytics.quality.QualitySettings;
import dev.coilsight.analytics.query.CoilQueries;
import dev.coilsight.analytics.query.QueryRouter;
import dev.coilsight.analytics.review.ReviewerTokens;
import dev.coilsight.analytics.shadow.ShadowComparison;
import dev.coilsight.serviceruntime.http.BearerTokens;
import dev.coilsight.serviceruntime.http.BodyTimeoutException;

/**
 * What the route table answers before any store is read: who may learn that a request has no route, what they are
 * told, and which requests are counted under which route.
 */
class AnalyticsRoutesTest {

    private static final String VIEWER = "viewer-token-0123456789";
    private static final String REVIEWER = "alice-reviewer-token-0123456789";
    private static final String INSTANCE = "internal-token-0123456789";

    private final List<String> counted = new ArrayList<>();
    private final AnalyticsRoutes routes = new AnalyticsRoutes(
            new AnalyticsApi(new QueryRouter(null, new HostInfo("localhost", 1)), new CoilQueries(null, 60_000, true),
                    QualitySettings.defaults(), Optional.empty(), new ShadowComparison(10), null, Optional.of(INSTANCE)),
            new ReviewApi(null, null, Optional.of(INSTANCE)),
            AccessGuard.of(BearerTokens.of("VIEWERS", VIEWER), BearerTokens.of("INSTANCES", INSTANCE),
                    Optional.of(ReviewerTokens.parse("alice=" + REVIEWER))),
            (route, status) -> counted.add(route + " " + status));

    @Test
    void anApiPathWithoutARouteIsTheAreasCallersBusiness() throws Exception {
        assertThat(send("GET", "/v1/nothing-here", null).status).isEqualTo(401);
        Exchange missing = send("GET", "/v1/nothing-here", VIEWER);
        assertThat(missing.status).isEqualTo(404);
        assertThat(missing.body()).contains("no such resource: /v1/nothing-here");
        assertThat(send("GET", "/internal/v1/nothing-here", VIEWER).status).as("a viewer on the internal API").isEqualTo(401);
        assertThat(send("GET", "/internal/v1/nothing-here", INSTANCE).status).isEqualTo(404);
        assertThat(counted).containsExactly("unknown 404", "unknown 404");
    }

    @Test
    void aFaultOfTheServiceIs500WithoutItsInternalsInTheAnswer() throws Exception {
        // No Streams instance behind these routes: reading the coils fails inside the service.
        Exchange failed = send("GET", "/v1/coils", VIEWER);
        assertThat(failed.status).isEqualTo(500);
        assertThat(failed.body()).contains("internal error (").contains("the service log has the cause")
                .doesNotContain("because").doesNotContain("null\"").doesNotContain("dev.coilsight");
    }

    @Test
    void aMethodNoRouteReadsWithIs405ForThoseWhoMayRead() throws Exception {
        assertThat(send("PUT", "/v1/coils", null).status).isEqualTo(401);
        Exchange put = send("PUT", "/v1/coils", VIEWER);
        assertThat(put.status).isEqualTo(405);
        assertThat(put.getResponseHeaders().getFirst("Allow")).isEqualTo("GET, HEAD");
        assertThat(put.body()).contains("method PUT not allowed; use GET");
        assertThat(send("DELETE", "/v1/coils/c1/images/i1/reviews", VIEWER).status).isEqualTo(405);
        assertThat(send("DELETE", "/internal/v1/coils", INSTANCE).status).isEqualTo(405);
        Exchange dashboard = send("POST", "/", VIEWER);
        assertThat(dashboard.status).isEqualTo(405);
        assertThat(dashboard.body()).contains("method not allowed; use GET");
        assertThat(counted).containsExactly("unknown 405", "unknown 405", "unknown 405");
    }

    @Test
    void aPostAnywhereElseIsAMisdirectedReviewForReviewersOnly() throws Exception {
        assertThat(send("POST", "/v1/coils", VIEWER).status).as("a viewer may not review").isEqualTo(403);
        Exchange misdirected = send("POST", "/v1/coils", REVIEWER);
        assertThat(misdirected.status).isEqualTo(404);
        assertThat(misdirected.body()).contains("reviews are posted to /v1/coils/{coilId}/images/{imageId}/reviews");
        assertThat(send("POST", "/internal/v1/coils", REVIEWER).status).isEqualTo(401);
        assertThat(send("POST", "/internal/v1/coils", INSTANCE).status).isEqualTo(404);
        Exchange notJson = send("POST", "/v1/coils/c1/images/i1/reviews", REVIEWER);
        assertThat(notJson.status).isEqualTo(415);
        assertThat(counted).containsExactly("review 404", "review 404", "review 415");
    }

    @Test
    void aReviewWhoseBodyDoesNotArriveInTimeIsLeftToTheFrontsTimeoutNotBlamedOnAnotherInstance() {
        Exchange slow = new Exchange("POST", "/v1/coils/c1/images/i1/reviews");
        slow.getRequestHeaders().add("Authorization", "Bearer " + REVIEWER);
        slow.getRequestHeaders().add("Content-Type", "application/json");
        slow.setStreams(new InputStream() {
            @Override
            public int read() throws IOException {
                throw new BodyTimeoutException("the request body did not arrive within 30000 ms");
            }
        }, null);

        assertThatThrownBy(() -> routes.handle(slow)).isInstanceOf(BodyTimeoutException.class);
        assertThat(slow.status).as("nothing answered here: the HTTP front answers 408").isEqualTo(-1);
        assertThat(counted).containsExactly("review 408");
    }

    @Test
    void theDashboardsFilesAreForViewersAndNotCounted() throws Exception {
        assertThat(send("GET", "/", null).status).isEqualTo(401);
        assertThat(send("GET", "/", VIEWER).status).isEqualTo(200);
        assertThat(send("GET", "/dashboard/no-such.js", VIEWER).status).isEqualTo(404);
        assertThat(send("GET", "/dashboard/a/b.js", VIEWER).status).isEqualTo(404);
        assertThat(send("GET", "/v1x", VIEWER).status).as("not the API: a file the dashboard does not have").isEqualTo(404);
        assertThat(counted).isEmpty();
    }

    @Test
    void aSignInLinkLeadsToThePageItNamedWithoutItsTokenAndNeverOffTheServer() throws Exception {
        Exchange report = send("GET", "/v1/coils/C1/report?token=" + VIEWER + "&lang=de", null);
        assertThat(report.status).isEqualTo(303);
        assertThat(report.getResponseHeaders().getFirst("Location")).isEqualTo("/v1/coils/C1/report?lang=de");
        assertThat(report.getResponseHeaders().getFirst("Set-Cookie")).startsWith(BearerTokens.COOKIE + "=" + VIEWER + ";")
                .contains("Max-Age=43200", "HttpOnly").doesNotContain("Secure");
        Exchange behindTls = new Exchange("GET", "/?token=" + VIEWER);
        behindTls.getRequestHeaders().add("X-Forwarded-Proto", "https");
        routes.handle(behindTls);
        assertThat(behindTls.getResponseHeaders().getFirst("Set-Cookie")).as("a proxy that terminated TLS").endsWith("; Secure");
        assertThat(send("GET", "/?coil=C1&token=" + VIEWER, null).getResponseHeaders().getFirst("Location")).isEqualTo("/?coil=C1");
        assertThat(send("GET", "/?token=" + VIEWER, null).getResponseHeaders().getFirst("Location")).isEqualTo("/");
        assertThat(send("GET", "http://analytics//evil.example/x?token=" + VIEWER, null).getResponseHeaders().getFirst("Location"))
                .isEqualTo("/");
    }

    @Test
    void aClientLeavingDuringItsAnswerIsCountedWithTheAnswersStatusNotAsAnotherInstancesFault() throws Exception {
        Exchange leaving = new Exchange("GET", "/v1/shadow") {
            @Override
            public OutputStream getResponseBody() {
                return new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        throw new IOException("Broken pipe");
                    }
                };
            }
        };
        leaving.getRequestHeaders().add("Authorization", "Bearer " + VIEWER);

        routes.handle(leaving);

        assertThat(leaving.status).isEqualTo(200);
        assertThat(counted).containsExactly("shadow 200");
    }

    private Exchange send(String method, String path, String token) throws Exception {
        Exchange exchange = new Exchange(method, path);
        if (token != null) {
            exchange.getRequestHeaders().add("Authorization", "Bearer " + token);
        }
        routes.handle(exchange);
        return exchange;
    }

    /** A request and what was answered to it, without a server. */
    private static class Exchange extends HttpExchange {
        private final String method;
        private final URI uri;
        private final Headers requestHeaders = new Headers();
        private final Headers responseHeaders = new Headers();
        private final Map<String, Object> attributes = new HashMap<>();
        private final ByteArrayOutputStream responseBody = new ByteArrayOutputStream();
        private InputStream requestBody = new ByteArrayInputStream(new byte[0]);
        int status = -1;

        Exchange(String method, String path) {
            this.method = method;
            this.uri = URI.create(path);
        }

        String body() {
            return responseBody.toString(StandardCharsets.UTF_8);
        }

        @Override
        public Headers getRequestHeaders() {
            return requestHeaders;
        }

        @Override
        public Headers getResponseHeaders() {
            return responseHeaders;
        }

        @Override
        public URI getRequestURI() {
            return uri;
        }

        @Override
        public String getRequestMethod() {
            return method;
        }

        @Override
        public HttpContext getHttpContext() {
            return null;
        }

        @Override
        public void close() {
        }

        @Override
        public InputStream getRequestBody() {
            return requestBody;
        }

        @Override
        public OutputStream getResponseBody() {
            return responseBody;
        }

        @Override
        public void sendResponseHeaders(int code, long length) {
            status = code;
        }

        @Override
        public InetSocketAddress getRemoteAddress() {
            return new InetSocketAddress("127.0.0.1", 1);
        }

        @Override
        public int getResponseCode() {
            return status;
        }

        @Override
        public InetSocketAddress getLocalAddress() {
            return new InetSocketAddress("127.0.0.1", 2);
        }

        @Override
        public String getProtocol() {
            return "HTTP/1.1";
        }

        @Override
        public Object getAttribute(String name) {
            return attributes.get(name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.put(name, value);
        }

        @Override
        public void setStreams(InputStream in, OutputStream out) {
            if (in != null) {
                requestBody = in;
            }
        }

        @Override
        public HttpPrincipal getPrincipal() {
            return null;
        }
    }
}
