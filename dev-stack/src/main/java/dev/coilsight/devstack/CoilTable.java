package dev.coilsight.devstack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/** The per-coil table for the terminal, read from coil-analytics' REST API like any other client would. */
final class CoilTable {

    private final AnalyticsClient api;

    CoilTable(String dashboardUrl) {
        this.api = new AnalyticsClient(dashboardUrl);
    }

    /** The coils page as JSON, or null while the aggregation is not queryable (starting, rebalancing). */
    JsonNode coils() {
        return api.get("/v1/coils?size=500&sort=coilId");
    }

    /** The latest coils, newest first, as a live demo shows them while it runs on without end; null as {@link #coils}. */
    JsonNode recentCoils() {
        return api.get("/v1/coils?size=20&sort=recent");
    }

    /** The coils of a page, in its order. */
    static List<String> coilIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("coils").forEach(c -> ids.add(c.get("coilId").asText()));
        return ids;
    }

    /** The images inspected on the page's coils whose ids start with {@code coilPrefix}. */
    static long inspected(JsonNode page, String coilPrefix) {
        long n = 0;
        for (JsonNode c : page.get("coils")) {
            if (c.get("coilId").asText().startsWith(coilPrefix)) {
                n += c.get("imagesInspected").asLong();
            }
        }
        return n;
    }

    /** Renders the table; one line per coil. */
    static String render(JsonNode page) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-28s %7s %9s %8s  %s%n", "coil", "images", "defective", "rate", "defect classes (images, area)"));
        if (page == null || page.get("coils").isEmpty()) {
            out.append("  (no coil inspected yet)\n");
            return out.toString();
        }
        for (JsonNode c : page.get("coils")) {
            StringBuilder classes = new StringBuilder();
            for (JsonNode k : c.get("classes")) {
                classes.append(String.format(Locale.ROOT, "%s: %d, %.2f%%  ", k.get("className").asText(), k.get("images").asLong(),
                        100 * k.get("areaFraction").asDouble()));
            }
            out.append(String.format(Locale.ROOT, "%-28s %7d %9d %7.1f%%  %s%n", c.get("coilId").asText(), c.get("imagesInspected").asLong(),
                    c.get("defectiveImages").asLong(), 100 * c.get("defectRate").asDouble(), classes.toString().trim()));
        }
        return out.toString();
    }
}
