package dev.coilsight.workerruntime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class WorkerMetricsTest {

    private final AtomicLong now = new AtomicLong(1_765_000_000_000L);
    private final WorkerMetrics metrics = new WorkerMetrics("segmenter", now::get);

    private String scrape() {
        return new String(metrics.scrape(), StandardCharsets.UTF_8);
    }

    @Test
    void theSeriesThatAlertsAndRatesReadExistAtZeroBeforeTheFirstEvent() {
        assertThat(scrape()).contains("coilsight_worker_model_swaps_total{stage=\"segmenter\"} 0.0")
                .contains("coilsight_worker_transactions_aborted_total{stage=\"segmenter\"} 0.0")
                .contains("coilsight_worker_dlq_total{reason=\"CRASHED\",stage=\"segmenter\"} 0.0")
                .contains("coilsight_worker_dlq_total{reason=\"MODEL_ERROR\",stage=\"segmenter\"} 0.0")
                .contains("coilsight_worker_images_total{outcome=\"dead_letter\",stage=\"segmenter\"} 0.0");
    }

    @Test
    void imagesPerSecondFallsToZeroWhenTheWorkerGoesIdle() {
        metrics.committed(40, 0);
        now.addAndGet(1000);
        metrics.committed(60, 0);
        assertThat(scrape()).contains("coilsight_worker_images_per_second{stage=\"segmenter\"} 10.0");
        now.addAndGet(30_000);
        assertThat(scrape()).contains("coilsight_worker_images_per_second{stage=\"segmenter\"} 0.0");
    }
}
