package dev.coilsight.devstack;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/** The shadow comparison ({@code GET /v1/shadow}) as the demo's terminal prints it. */
final class ShadowSummary {

    private ShadowSummary() {
    }

    /** The comparison once the shadow has segmented {@code segmented} images (or whatever there is at the deadline). */
    static JsonNode await(String dashboardUrl, int segmented, long deadlineNanos) throws InterruptedException {
        AnalyticsClient api = new AnalyticsClient(dashboardUrl);
        JsonNode report = null;
        while (System.nanoTime() < deadlineNanos) {
            report = api.get("/v1/shadow?limit=3");
            if (report != null && report.get("segmenter").get("imagesCompared").asInt() >= segmented) {
                return report;
            }
            Thread.sleep(250);
        }
        return report;
    }

    static String render(JsonNode report) {
        if (report == null || report.get("segmenter").get("shadow").isNull()) {
            return "  the shadow segmenter has written nothing yet\n";
        }
        JsonNode seg = report.get("segmenter");
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "  %s (shadow) vs %s (live) on %d images: Kaggle mean Dice between them %.3f%n",
                seg.get("shadow").asText(), seg.get("live").asText(), seg.get("imagesCompared").asInt(), seg.path("meanDice").asDouble(Double.NaN)));
        for (JsonNode c : seg.path("perClass")) {
            out.append(String.format(Locale.ROOT, "    %-10s live finds it on %d images, shadow on %d; presence agreement %.0f%%, Dice %.3f%n",
                    c.get("className").asText(), c.get("liveImages").asInt(), c.get("shadowImages").asInt(),
                    100 * c.get("presenceAgreement").asDouble(), c.get("dice").asDouble()));
        }
        JsonNode reviews = seg.path("againstReviews");
        out.append(reviews.path("images").asInt() == 0 ? "    no reviewed image yet: review on the dashboard to score both against people\n"
                : String.format(Locale.ROOT, "    on %d reviewed images: live %.3f, shadow %.3f, predicting nothing %.3f (Kaggle mean Dice)%n",
                        reviews.get("images").asInt(), reviews.get("liveDice").asDouble(), reviews.get("shadowDice").asDouble(),
                        reviews.get("nothingDice").asDouble()));
        return out.toString();
    }
}
