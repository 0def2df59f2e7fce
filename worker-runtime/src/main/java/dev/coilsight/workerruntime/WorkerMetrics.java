package dev.coilsight.workerruntime;

import java.util.function.LongSupplier;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;

import dev.coilsight.core.model.ModelCard;
import dev.coilsight.serviceruntime.deadletter.DeadLetters;
import dev.coilsight.serviceruntime.http.PrometheusMetrics;

/**
 * A worker's Prometheus metrics, labelled by stage (classifier, segmenter): images processed and
 * dead-lettered (rate() of the counter is images/s; {@code coilsight_worker_images_per_second} is the
 * same over the last ten seconds for a glance), batch sizes, inference time per batch, capture-to-result
 * latency, aborted transactions, the model in use and the partitions assigned.
 */
public final class WorkerMetrics {

    private final String stage;
    private final PrometheusMetrics prometheus = new PrometheusMetrics();
    private final Counter images = prometheus.counter("coilsight_worker_images_total",
            "Input records finished, by outcome (result or dead_letter), committed", "stage", "outcome");
    private final Counter deadLetters = prometheus.counter("coilsight_worker_dlq_total",
            "Records sent to the dead-letter topic, by reason", "stage", "reason");
    private final Histogram batchSize = prometheus.histogram("coilsight_worker_batch_size",
            "Images per inference batch", new double[] {1, 2, 4, 8, 16, 32, 64, 128}, "stage");
    private final Histogram inference = prometheus.histogram("coilsight_worker_inference_seconds",
            "Model forward time of one batch", new double[] {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}, "stage");
    private final Histogram captureToResult = prometheus.histogram("coilsight_worker_capture_to_result_seconds",
            "From the image's capturedAt to its result being committed",
            new double[] {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300}, "stage");
    private final Counter aborted = prometheus.counter("coilsight_worker_transactions_aborted_total",
            "Batches whose transaction was aborted and whose records were read again", "stage");
    private final Counter swaps = prometheus.counter("coilsight_worker_model_swaps_total", "Models loaded after the first", "stage");
    private final Gauge model = prometheus.gauge("coilsight_worker_model_loaded", "1 for the model in use", "stage", "name", "version");
    private final Gauge partitions = prometheus.gauge("coilsight_worker_assigned_partitions",
            "Input partitions assigned to this process", "stage");
    private final RateWindow window = new RateWindow(10_000);

    private final LongSupplier clock;

    public WorkerMetrics(String stage) {
        this(stage, System::currentTimeMillis);
    }

    WorkerMetrics(String stage, LongSupplier clock) {
        this.stage = stage;
        this.clock = clock;
        // Worked out when scraped, so that an idle worker reads 0 rather than the rate of its last batch.
        prometheus.readAtScrape("coilsight_worker_images_per_second", "Images finished per second over the last ten seconds",
                () -> window.add(clock.getAsLong(), 0), "stage", stage);
        // Every series exists from the start at 0: one that appears at its first event already at 1 shows no rise to
        // increase() and rate(), so a pod's first swap, abort or dead letter would not show.
        images.labelValues(stage, "result");
        images.labelValues(stage, "dead_letter");
        for (DeadLetters.Reason reason : DeadLetters.Reason.values()) {
            deadLetters.labelValues(stage, reason.name());
        }
        aborted.labelValues(stage);
        swaps.labelValues(stage);
    }

    void committed(int results, int deadLettered) {
        images.labelValues(stage, "result").inc(results);
        images.labelValues(stage, "dead_letter").inc(deadLettered);
        window.add(clock.getAsLong(), results + deadLettered);
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
        return prometheus.scrape();
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
