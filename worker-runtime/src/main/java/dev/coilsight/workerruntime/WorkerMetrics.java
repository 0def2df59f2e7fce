package dev.coilsight.workerruntime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import dev.coilsight.core.model.ModelCard;

/**
 * A worker's Prometheus metrics, labelled by stage (classifier, segmenter): images processed and
 * dead-lettered (rate() of the counter is images/s; {@code coilsight_worker_images_per_second} is the
 * same over the last ten seconds for a glance), batch sizes, inference time per batch, capture-to-result
 * latency, aborted transactions, the model in use and the partitions assigned.
 */
public final class WorkerMetrics {

    private final String stage;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter images = Counter.builder().name("coilsight_worker_images_total")
            .help("Input records finished, by outcome (result or dead_letter), committed").labelNames("stage", "outcome").register(registry);
    private final Counter deadLetters = Counter.builder().name("coilsight_worker_dlq_total")
            .help("Records sent to the dead-letter topic, by reason").labelNames("stage", "reason").register(registry);
    private final Histogram batchSize = Histogram.builder().name("coilsight_worker_batch_size")
            .help("Images per inference batch").labelNames("stage")
            .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128).register(registry);
    private final Histogram inference = Histogram.builder().name("coilsight_worker_inference_seconds")
            .help("Model forward time of one batch").labelNames("stage")
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
    private final Histogram captureToResult = Histogram.builder().name("coilsight_worker_capture_to_result_seconds")
            .help("From the image's capturedAt to its result being committed").labelNames("stage")
            .classicUpperBounds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300).register(registry);
    private final Counter aborted = Counter.builder().name("coilsight_worker_transactions_aborted_total")
            .help("Batches whose transaction was aborted and whose records were read again").labelNames("stage").register(registry);
    private final Counter swaps = Counter.builder().name("coilsight_worker_model_swaps_total")
            .help("Models loaded after the first").labelNames("stage").register(registry);
    private final Gauge model = Gauge.builder().name("coilsight_worker_model_loaded")
            .help("1 for the model in use").labelNames("stage", "name", "version").register(registry);
    private final Gauge partitions = Gauge.builder().name("coilsight_worker_assigned_partitions")
            .help("Input partitions assigned to this process").labelNames("stage").register(registry);
    private final Gauge rate = Gauge.builder().name("coilsight_worker_images_per_second")
            .help("Images finished per second over the last ten seconds").labelNames("stage").register(registry);
    private final RateWindow window = new RateWindow(10_000);

    public WorkerMetrics(String stage) {
        this.stage = stage;
    }

    void committed(int results, int deadLettered) {
        images.labelValues(stage, "result").inc(results);
        images.labelValues(stage, "dead_letter").inc(deadLettered);
        rate.labelValues(stage).set(window.add(System.currentTimeMillis(), results + deadLettered));
    }

    void deadLetter(String reason) {
        deadLetters.labelValues(stage, reason).inc();
    }

    void batch(int size, double inferenceSeconds) {
        batchSize.labelValues(stage).observe(size);
        inference.labelValues(stage).observe(inferenceSeconds);
    }

    void captureToResult(double seconds) {
        captureToResult.labelValues(stage).observe(Math.max(0, seconds));
    }

    void aborted() {
        aborted.labelValues(stage).inc();
    }

    void model(ModelCard previous, ModelCard current) {
        if (previous != null) {
            model.remove(stage, previous.name(), previous.version());
            swaps.labelValues(stage).inc();
        }
        model.labelValues(stage, current.name(), current.version()).set(1);
    }

    void partitions(int count) {
        partitions.labelValues(stage).set(count);
    }

    public double resultCount() {
        return images.labelValues(stage, "result").get();
    }

    public double abortedCount() {
        return aborted.labelValues(stage).get();
    }

    public double deadLetterCount(String reason) {
        return deadLetters.labelValues(stage, reason).get();
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

    /** Events per second over a sliding window (one-second buckets). */
    static final class RateWindow {
        private final long windowMillis;
        private final long[] counts;
        private final long[] seconds;

        RateWindow(long windowMillis) {
            this.windowMillis = windowMillis;
            int buckets = (int) (windowMillis / 1000);
            counts = new long[buckets];
            seconds = new long[buckets];
        }

        synchronized double add(long nowMillis, long count) {
            long second = nowMillis / 1000;
            int i = (int) (second % counts.length);
            if (seconds[i] != second) {
                seconds[i] = second;
                counts[i] = 0;
            }
            counts[i] += count;
            long total = 0;
            for (int b = 0; b < counts.length; b++) {
                if (second - seconds[b] < counts.length) {
                    total += counts[b];
                }
            }
            return total / (windowMillis / 1000.0);
        }
    }
}
