package dev.coilsight.analytics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import dev.coilsight.analytics.quality.QualityListener;
import dev.coilsight.schemas.CoilGraded;
import dev.coilsight.schemas.QualityAlert;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * coil-analytics' Prometheus metrics: API requests by route and status, coil grades and quality alerts, the Streams
 * state, records processed and late records dropped by the windows (from Kafka Streams' own metrics, read at
 * scrape time).
 */
public final class AnalyticsMetrics implements QualityListener {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("coilsight_analytics_http_requests_total")
            .help("REST API requests by route and status").labelNames("route", "status").register(registry);

    private final Counter grades = Counter.builder().name("coilsight_analytics_coil_grades_total")
            .help("Coil grades published, by line and grade (re-grades included)").labelNames("line", "grade").register(registry);
    private final Counter alerts = Counter.builder().name("coilsight_analytics_quality_alerts_total")
            .help("Quality alerts raised, by line and kind (DEFECT_RATE, PERIODIC_DEFECT, FORBIDDEN_CLASS)").labelNames("line", "kind")
            .register(registry);

    /** The Streams figures, read at scrape time, once the application exists. */
    public void watch(KafkaStreams streams) {
        GaugeWithCallback.builder().name("coilsight_analytics_streams_running")
                .help("1 while the Kafka Streams application is RUNNING").callback(cb -> cb.call(
                        streams.state() == KafkaStreams.State.RUNNING ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("coilsight_analytics_records_processed")
                .help("Records processed by this instance's stream threads since start").callback(cb -> cb.call(
                        sum(streams, "stream-thread-metrics", "process-total"))).register(registry);
        GaugeWithCallback.builder().name("coilsight_analytics_late_records_dropped")
                .help("Results that arrived after their window's grace period and were not counted").callback(cb -> cb.call(
                        sum(streams, "stream-task-metrics", "dropped-records-total"))).register(registry);
    }

    @Override
    public void graded(CoilGraded grade) {
        grades.labelValues(lineLabel(grade.getLineId()), grade.getGrade().name()).inc();
    }

    @Override
    public void alerted(QualityAlert alert) {
        alerts.labelValues(lineLabel(alert.getLineId()), alert.getKind().name()).inc();
    }

    private static String lineLabel(String line) {
        return line == null ? "unknown" : line;
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
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
