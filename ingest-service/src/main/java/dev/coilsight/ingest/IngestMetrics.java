package dev.coilsight.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The ingest service's Prometheus metrics, labelled by source (http, drop, replay). */
public final class IngestMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter accepted = Counter.builder().name("coilsight_ingest_images_accepted_total")
            .help("Images acknowledged by the broker").labelNames("source").register(registry);
    private final Counter rejected = Counter.builder().name("coilsight_ingest_images_rejected_total")
            .help("Images refused, by reason").labelNames("source", "reason").register(registry);
    private final Counter bytes = Counter.builder().name("coilsight_ingest_bytes_total")
            .help("Image bytes acknowledged by the broker").labelNames("source").register(registry);
    private final Histogram produceLatency = Histogram.builder().name("coilsight_ingest_produce_latency_seconds")
            .help("Time from send to broker acknowledgement").labelNames("source")
            .classicUpperBounds(0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);

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
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
