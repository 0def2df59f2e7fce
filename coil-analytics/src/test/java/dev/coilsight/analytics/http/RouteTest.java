package dev.coilsight.analytics.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class RouteTest {

    private static final Route.Handler NONE = (exchange, params) -> 200;

    @Test
    void aPatternTakesItsLiteralsAndNamesItsVariables() {
        Route image = Route.get("/v1/coils/{coilId}/images/{imageId}", Route.Caller.VIEWER, "image", NONE);
        assertThat(image.match("GET", Requests.segments("/v1/coils/c%2F1/images/i+1.jpg")))
                .hasValue(Map.of("coilId", "c/1", "imageId", "i+1.jpg"));
        assertThat(image.match("GET", Requests.segments("/v1/coils/c1/images"))).isEmpty();
        assertThat(image.match("GET", Requests.segments("/v1/coils/c1/images/i1/image"))).isEmpty();
        assertThat(image.match("GET", Requests.segments("/v1/lines/c1/images/i1"))).isEmpty();
    }

    @Test
    void getTakesHeadAndAnyTakesEveryMethod() {
        Route coils = Route.get("/v1/coils", Route.Caller.VIEWER, "coils", NONE);
        assertThat(coils.match("HEAD", Requests.segments("/v1/coils"))).isPresent();
        assertThat(coils.match("POST", Requests.segments("/v1/coils"))).isEmpty();
        Route rest = Route.any("/v1/**", Route.Caller.VIEWER, "unknown", NONE);
        assertThat(rest.match("DELETE", Requests.segments("/v1/coils/c1"))).hasValue(Map.of());
        assertThat(rest.match("GET", Requests.segments("/v1"))).as("nothing after the area").isPresent();
        assertThat(rest.match("GET", Requests.segments("/v1x/coils"))).isEmpty();
        assertThat(Route.any("/**", Route.Caller.VIEWER, null, NONE).match("PUT", Requests.segments("/"))).isPresent();
    }
}
