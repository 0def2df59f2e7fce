package dev.coilsight.devstack;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** Each coil's grade, periodic defects and the quality alerts, for the terminal, read from coil-analytics' REST API. */
final class CoilGrades {

    private final AnalyticsClient api;

    CoilGrades(String dashboardUrl) {
        this.api = new AnalyticsClient(dashboardUrl);
    }

    /** The grade of each coil, waiting (until {@code deadlineNanos}) until every one is GRADED; those still not are shown as they stand. */
    Map<String, JsonNode> await(List<String> coilIds, long deadlineNanos) throws InterruptedException {
        Map<String, JsonNode> grades = new LinkedHashMap<>();
        while (true) {
            boolean all = true;
            for (String coil : coilIds) {
                JsonNode grade = api.get("/v1/coils/" + URLEncoder.encode(coil, StandardCharsets.UTF_8).replace("+", "%20") + "/grade");
                grades.put(coil, grade);
                all &= grade != null && grade.path("state").asText().equals("GRADED");
            }
            if (all || System.nanoTime() > deadlineNanos) {
                return grades;
            }
            Thread.sleep(500);
        }
    }

    /**
     * The latest alerts, once those the grades imply are in: a grade is read from the store as it is made, its alerts
     * from the topic once their transaction commits, so a roll mark's alert can come a moment after its grade (waiting
     * at most until {@code deadlineNanos}).
     */
    List<JsonNode> alerts(Map<String, JsonNode> grades, long deadlineNanos) throws InterruptedException {
        List<String> marked = new ArrayList<>();
        grades.forEach((coil, g) -> {
            if (g != null && g.has("periodicDefects") && !g.get("periodicDefects").isEmpty()) {
                marked.add(coil);
            }
        });
        while (true) {
            List<JsonNode> out = new ArrayList<>();
            JsonNode body = api.get("/v1/alerts?limit=20");
            if (body != null) {
                body.get("alerts").forEach(out::add);
            }
            boolean all = marked.stream().allMatch(coil -> out.stream()
                    .anyMatch(a -> a.get("kind").asText().equals("PERIODIC_DEFECT") && coil.equals(a.path("coilId").asText())));
            if (all || System.nanoTime() > deadlineNanos) {
                return out;
            }
            Thread.sleep(250);
        }
    }

    static String render(Map<String, JsonNode> grades, List<JsonNode> alerts) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-28s %-7s %-20s %s%n", "coil", "grade", "deciding rule", "periodic (roll-mark) defects"));
        grades.forEach((coil, g) -> {
            String grade = g == null || g.path("grade").isNull() || g.path("grade").isMissingNode() ? "(" + (g == null ? "?" : g.path("state").asText()) + ")"
                    : g.get("grade").asText();
            String rule = g == null || g.path("decidingRule").isNull() || g.path("decidingRule").isMissingNode() ? "-" : g.get("decidingRule").asText();
            List<String> periodic = new ArrayList<>();
            if (g != null && g.has("periodicDefects")) {
                for (JsonNode p : g.get("periodicDefects")) {
                    periodic.add(String.format(Locale.ROOT, "%s every %.0f mm (roll %.0f mm), %d turns", p.get("className").asText(),
                            p.get("pitchMm").asDouble(), p.get("rollDiameterMm").asDouble(), p.get("count").asInt()));
                }
            }
            out.append(String.format(Locale.ROOT, "%-28s %-7s %-20s %s%n", coil, grade, rule, periodic.isEmpty() ? "-" : String.join("; ", periodic)));
        });
        if (!alerts.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nAlerts:%n"));
            for (JsonNode a : alerts) {
                out.append(String.format(Locale.ROOT, "  %-16s %s%n", a.get("kind").asText(), a.get("message").asText()));
            }
        }
        return out.toString();
    }
}
