package dev.coilsight.analytics;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import dev.coilsight.analytics.quality.QualityListener;
import dev.coilsight.schemas.CoilGraded;
import dev.coilsight.schemas.QualityAlert;
import dev.coilsight.serviceruntime.http.PrometheusMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;

/**
 * coil-analytics' Prometheus metrics: API requests by route and status, coil grades and quality alerts, the Streams
 * state, records processed and late records dropped by the windows (from Kafka Streams' own metrics, read at
 * scrape time).
 */
public final class AnalyticsMetrics implements QualityListener {

    private final PrometheusMetrics prometheus = new PrometheusMetrics();
    private final Counter requests = prometheus.counter("coilsight_analytics_http_requests_total",
            "REST API requests by route and status", "route", "status");

    private final Counter grades = prometheus.counter("coilsight_analytics_coil_grades_total",
            "Coil grades published, by line and grade (re-grades included)", "line", "grade");
    private final Counter alerts = prometheus.counter("coilsight_analytics_quality_alerts_total",
            "Quality alerts raised, by line and kind (DEFECT_RATE, PERIODIC_DEFECT, FORBIDDEN_CLASS)", "line", "kind");
    // What alert rules read: a counter's series appears at its first event already at 1, where increase() sees no rise,
    // so a line's first alert on a pod would never page; a time stamp is right from its first sample.
    private final Gauge lastGrade = prometheus.gauge("coilsight_analytics_last_coil_grade_timestamp_seconds",
            "When this instance last published a grade, by line and grade (Unix time, seconds)", "line", "grade");
    private final Gauge lastAlert = prometheus.gauge("coilsight_analytics_last_quality_alert_timestamp_seconds",
            "When this instance last raised a quality alert, by line and kind (Unix time, seconds)", "line", "kind");
    private final Clock clock;
    private final Set<String> namedLines;
    private final Set<String> otherLines = ConcurrentHashMap.newKeySet();

    /** A metrics registry whose line labels are the lines of any name; for tests and tools without grading rules. */
    public AnalyticsMetrics(Clock clock) {
        this(clock, Set.of());
    }

    /**
     * @param namedLines the lines the grading rules name: always a label of their own; any other line id (it comes from
     *     whoever uploads images) gets one while fewer than {@value #MAX_OTHER_LINES} have, then they share "other",
     *     so that no uploader can grow the series without bound
     */
    public AnalyticsMetrics(Clock clock, Set<String> namedLines) {
        this.clock = clock;
        this.namedLines = Set.copyOf(namedLines);
    }

    static final int MAX_OTHER_LINES = 32;

    /** The Streams figures, read at scrape time, once the application exists. */
    public void watch(KafkaStreams streams) {
        prometheus.readAtScrape("coilsight_analytics_streams_running", "1 while the Kafka Streams application is RUNNING",
                () -> streams.state() == KafkaStreams.State.RUNNING ? 1 : 0);
        prometheus.readAtScrape("coilsight_analytics_records_processed", "Records processed by this instance's stream threads since start",
                () -> sum(streams, "stream-thread-metrics", "process-total"));
        prometheus.readAtScrape("coilsight_analytics_late_records_dropped",
                "Results that arrived after their window's grace period and were not counted",
                () -> sum(streams, "stream-task-metrics", "dropped-records-total"));
    }

    @Override
    public void graded(CoilGraded grade) {
        grades.labelValues(lineLabel(grade.getLineId()), grade.getGrade().name()).inc();
        lastGrade.labelValues(lineLabel(grade.getLineId()), grade.getGrade().name()).set(clock.millis() / 1000.0);
    }

    @Override
    public void alerted(QualityAlert alert) {
        alerts.labelValues(lineLabel(alert.getLineId()), alert.getKind().name()).inc();
        lastAlert.labelValues(lineLabel(alert.getLineId()), alert.getKind().name()).set(clock.millis() / 1000.0);
    }

    String lineLabel(String line) {
        if (line == null) {
            return "unknown";
        }
        if (namedLines.contains(line) || otherLines.contains(line)) {
            return line;
        }
        synchronized (otherLines) {
            if (otherLines.size() < MAX_OTHER_LINES) {
                otherLines.add(line);
                return line;
            }
        }
        return "other";
    }

    public void request(String route, int status) {
        requests.labelValues(route, String.valueOf(status)).inc();
    }

    private static double sum(KafkaStreams streams, String group, String name) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            if (e.getKey().group().equals(group) && e.getKey().name().equals(name) && e.getValue().metricValue() instanceof Number n) {
                total += n.doubleValue();
            }
        }
        return total;
    }

    public byte[] scrape() {
        return prometheus.scrape();
    }
}
