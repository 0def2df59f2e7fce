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
import dev.coilsight.analytics.quality.GradeRecords;
import dev.coilsight.analytics.quality.QualitySettings;
import dev.coilsight.analytics.quality.RecentAlerts;
import dev.coilsight.analytics.query.CoilQueries;
import dev.coilsight.schemas.CoilGraded;

/**
 * The quality engineer's routes, answered from this instance's stores (a coil's request reaches the instance that
 * holds the coil first, {@link AnalyticsApi#heldByCoil}):
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

    /** What the coil's routes read: where it stands, its latest grade and (unless only the grade is asked) its map. */
    private record Coil(String id, CoilProgress progress, CoilGraded grade, List<MappedImage> images, String path) {
    }

    private Coil coil(Route.Params params, boolean withMap) {
        String coilId = params.path("coilId");
        Optional<CoilProgress> progress = queries.progress(coilId);
        CoilGraded grade = queries.grade(coilId).orElse(null);
        if (progress.isEmpty() && grade == null) {
            throw new Failure(404, "unknown coil '" + coilId + "'");
        }
        return new Coil(coilId, progress.orElse(null), grade, withMap ? queries.map(coilId) : List.of(), Requests.coilPath(coilId));
    }

    int map(HttpExchange exchange, Route.Params params) throws IOException {
        Coil coil = coil(params, true);
        double from = Requests.doubleParam(params.query(), "fromMm", Double.NEGATIVE_INFINITY);
        double to = Requests.doubleParam(params.query(), "toMm", Double.POSITIVE_INFINITY);
        if (from > to) {
            throw new Failure(400, "fromMm (" + from + ") must not be after toMm (" + to + ")");
        }
        int limit = Requests.intParam(params.query(), "limit", 2000, 1, MAX_MAP_DEFECTS);
        HttpAnswers.json(exchange, 200, QualityViews.map(coil.id(), coil.progress(), coil.grade(), coil.images(), periodic(coil),
                stripWidth(coil.progress()), from, to, limit, coil.path()));
        return 200;
    }

    int grade(HttpExchange exchange, Route.Params params) throws IOException {
        Coil coil = coil(params, false);
        HttpAnswers.json(exchange, 200, QualityViews.grade(coil.id(), coil.progress(), coil.grade()));
        return 200;
    }

    /** The printable report as HTML. */
    int report(HttpExchange exchange, Route.Params params) throws IOException {
        Coil coil = coil(params, true);
        HttpAnswers.bytes(exchange, 200, "text/html; charset=utf-8", page(coil, false).getBytes(StandardCharsets.UTF_8));
        return 200;
    }

    /** The printable report as PDF, shown in the browser. */
    int reportPdf(HttpExchange exchange, Route.Params params) throws IOException {
        Coil coil = coil(params, true);
        String page = page(coil, true);
        exchange.getResponseHeaders().set("Content-Disposition", "inline; filename=\"coil-report-" + coil.id() + ".pdf\"");
        HttpAnswers.bytes(exchange, 200, "application/pdf", CoilReportPdf.render(page));
        return 200;
    }

    private String page(Coil coil, boolean pdf) {
        return CoilReportPage.render(coil.id(), coil.progress(), coil.grade(), coil.images(), periodic(coil), stripWidth(coil.progress()), queries,
                coil.path(), pdf);
    }

    /** A graded coil's roll marks are those its grade found, like its other figures; an open coil's are searched for now. */
    private List<PeriodicDefect> periodic(Coil coil) {
        return coil.grade() == null ? periodic(coil.images()) : GradeRecords.periodic(coil.grade());
    }

    int alerts(HttpExchange exchange, Route.Params params) throws IOException {
        int limit = Requests.intParam(params.query(), "limit", 50, 1, MAX_ALERTS);
        List<Map<String, Object>> out = new ArrayList<>();
        alerts.ifPresent(a -> a.latest(limit).forEach(alert -> out.add(QualityViews.alert(alert))));
        HttpAnswers.json(exchange, 200, Map.of("alerts", out));
        return 200;
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
