package dev.coilsight.analytics.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.sun.net.httpserver.HttpExchange;

import dev.coilsight.analytics.coilmap.MappedImage;
import dev.coilsight.analytics.coilmap.StripDefect;
import dev.coilsight.analytics.grading.ProductRules;
import dev.coilsight.analytics.http.Requests.Failure;
import dev.coilsight.analytics.periodic.PeriodicDefect;
import dev.coilsight.analytics.periodic.PeriodicDefectFinder;
import dev.coilsight.analytics.quality.CoilProgress;
import dev.coilsight.analytics.quality.QualitySettings;
import dev.coilsight.analytics.quality.RecentAlerts;
import dev.coilsight.analytics.query.CoilQueries;
import dev.coilsight.schemas.CoilGraded;

/**
 * The quality engineer's routes, answered from this instance's stores ({@link AnalyticsApi} sends a coil's request to
 * the instance that holds it first):
 * <pre>
 * GET /v1/coils/{coilId}/map?fromMm=&amp;toMm=&amp;limit=2000   defects on the strip (largest first when over the limit) + periodic ones
 * GET /v1/coils/{coilId}/grade                         state (OPEN, ENDED, GRADED) and the latest grade
 * GET /v1/coils/{coilId}/report, report.pdf            the printable coil report (HTML, or PDF)
 * GET /v1/alerts?limit=50                              the plant's latest quality alerts, newest first
 * </pre>
 */
final class QualityApi {

    static final int MAX_MAP_DEFECTS = 10_000;
    static final int MAX_ALERTS = 500;

    private final CoilQueries queries;
    private final QualitySettings settings;
    private final PeriodicDefectFinder finder;
    private final Optional<RecentAlerts> alerts;

    QualityApi(CoilQueries queries, QualitySettings settings, Optional<RecentAlerts> alerts) {
        this.queries = queries;
        this.settings = settings;
        this.finder = new PeriodicDefectFinder(settings.rules().periodic());
        this.alerts = alerts;
    }

    static boolean handles(String route) {
        return route.equals("map") || route.equals("grade") || route.equals("report") || route.equals("report.pdf");
    }

    int answer(String route, HttpExchange exchange, String coilId, Map<String, String> query, String coilPath) throws IOException {
        Optional<CoilProgress> progress = queries.progress(coilId);
        CoilGraded grade = queries.grade(coilId).orElse(null);
        if (progress.isEmpty() && grade == null) {
            throw new Failure(404, "unknown coil '" + coilId + "'");
        }
        List<MappedImage> images = route.equals("grade") ? List.of() : queries.map(coilId);
        switch (route) {
            case "map" -> {
                double from = Requests.doubleParam(query, "fromMm", Double.NEGATIVE_INFINITY);
                double to = Requests.doubleParam(query, "toMm", Double.POSITIVE_INFINITY);
                if (from > to) {
                    throw new Failure(400, "fromMm (" + from + ") must not be after toMm (" + to + ")");
                }
                int limit = Requests.intParam(query, "limit", 2000, 1, MAX_MAP_DEFECTS);
                HttpAnswers.json(exchange, 200, QualityViews.map(coilId, progress.orElse(null), grade, images, periodic(images),
                        stripWidth(progress.orElse(null)), from, to, limit, coilPath));
            }
            case "grade" -> HttpAnswers.json(exchange, 200, QualityViews.grade(coilId, progress.orElse(null), grade));
            case "report", "report.pdf" -> {
                boolean pdf = route.equals("report.pdf");
                String page = CoilReportPage.render(coilId, progress.orElse(null), grade, images, periodic(images),
                        stripWidth(progress.orElse(null)), queries, coilPath, pdf);
                if (pdf) {
                    exchange.getResponseHeaders().set("Content-Disposition", "inline; filename=\"coil-report-" + coilId + ".pdf\"");
                    HttpAnswers.bytes(exchange, 200, "application/pdf", CoilReportPdf.render(page));
                } else {
                    HttpAnswers.bytes(exchange, 200, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
                }
            }
            default -> throw new Failure(404, "no such resource");
        }
        return 200;
    }

    Map<String, Object> alerts(Map<String, String> query) {
        int limit = Requests.intParam(query, "limit", 50, 1, MAX_ALERTS);
        List<Map<String, Object>> out = new ArrayList<>();
        alerts.ifPresent(a -> a.latest(limit).forEach(alert -> out.add(QualityViews.alert(alert))));
        return Map.of("alerts", out);
    }

    private List<PeriodicDefect> periodic(List<MappedImage> images) {
        List<StripDefect> defects = new ArrayList<>();
        images.forEach(i -> defects.addAll(i.defects()));
        return finder.find(defects);
    }

    private Double stripWidth(CoilProgress progress) {
        ProductRules product = settings.rules().forLine(progress == null ? null : progress.lineId);
        return product.stripWidthMm();
    }
}
