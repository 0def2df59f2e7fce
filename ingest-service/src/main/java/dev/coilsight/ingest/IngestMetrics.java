package dev.coilsight.ingest;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;

import dev.coilsight.serviceruntime.http.PrometheusMetrics;

/** The ingest service's Prometheus metrics, labelled by source (http, drop, replay). */
public final class IngestMetrics {

    private final PrometheusMetrics prometheus = new PrometheusMetrics();
    private final Counter accepted = prometheus.counter("coilsight_ingest_images_accepted_total",
            "Images acknowledged by the broker", "source");
    private final Counter rejected = prometheus.counter("coilsight_ingest_images_rejected_total", "Images refused, by reason",
            "source", "reason");
    private final Counter bytes = prometheus.counter("coilsight_ingest_bytes_total", "Image bytes acknowledged by the broker", "source");
    private final Histogram produceLatency = prometheus.histogram("coilsight_ingest_produce_latency_seconds",
            "Time from send to broker acknowledgement",
            new double[] {0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}, "source");

    public void accepted(String source, long imageBytes, double produceSeconds) {
        accepted.labelValues(source).inc();
        bytes.labelValues(source).inc(imageBytes);
        produceLatency.labelValues(source).observe(produceSeconds);
    }

    public void rejected(String source, String reason) {
        rejected.labelValues(source, reason).inc();
    }

    public double acceptedCount(String source) {
        return accepted.labelValues(source).get();
    }

    public double rejectedCount(String source, String reason) {
        return rejected.labelValues(source, reason).get();
    }

    /** The Prometheus text exposition of every metric. */
    public byte[] scrape() {
        return prometheus.scrape();
    }
}
