package dev.coilsight.serviceruntime.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.DoubleSupplier;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * One service's Prometheus registry and the text that {@link HttpFront} serves from it at {@code GET /metrics}.
 * A service's metrics class declares each counter, gauge and histogram here by name, help and label names, and
 * hands {@link #scrape()} to its front.
 */
public final class PrometheusMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();

    public Counter counter(String name, String help, String... labelNames) {
        return Counter.builder().name(name).help(help).labelNames(labelNames).register(registry);
    }

    public Gauge gauge(String name, String help, String... labelNames) {
        return Gauge.builder().name(name).help(help).labelNames(labelNames).register(registry);
    }

    /** A histogram with fixed (classic) buckets, so that dashboards and alerts can name the bounds. */
    public Histogram histogram(String name, String help, double[] upperBounds, String... labelNames) {
        return Histogram.builder().name(name).help(help).labelNames(labelNames).classicUpperBounds(upperBounds).register(registry);
    }

    /**
     * A gauge whose value is read when the metrics are scraped (figures another library keeps, or that age), with fixed
     * labels given as name, value, name, value...
     */
    public void readAtScrape(String name, String help, DoubleSupplier value, String... labelNamesAndValues) {
        if (labelNamesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("labels come as name, value pairs: " + java.util.Arrays.toString(labelNamesAndValues));
        }
        String[] names = new String[labelNamesAndValues.length / 2];
        String[] values = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            names[i] = labelNamesAndValues[2 * i];
            values[i] = labelNamesAndValues[2 * i + 1];
        }
        GaugeWithCallback.builder().name(name).help(help).labelNames(names).callback(cb -> cb.call(value.getAsDouble(), values))
                .register(registry);
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
