package dev.coilsight.serviceruntime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {

    private final PrometheusMetrics metrics = new PrometheusMetrics();

    private String scrape() {
        return new String(metrics.scrape(), StandardCharsets.UTF_8);
    }

    @Test
    void theTextExpositionHasEveryMetricWithItsHelpAndLabels() {
        metrics.counter("coilsight_test_images_total", "Images seen", "source", "outcome").labelValues("http", "result").inc(3);
        metrics.gauge("coilsight_test_partitions", "Partitions assigned", "stage").labelValues("classifier").set(2);
        metrics.histogram("coilsight_test_seconds", "Time taken", new double[] {0.1, 1}, "stage").labelValues("classifier").observe(0.5);

        assertThat(scrape())
                .contains("# HELP coilsight_test_images_total Images seen")
                .contains("coilsight_test_images_total{outcome=\"result\",source=\"http\"} 3.0")
                .contains("coilsight_test_partitions{stage=\"classifier\"} 2.0")
                .contains("coilsight_test_seconds_bucket{stage=\"classifier\",le=\"0.1\"} 0")
                .contains("coilsight_test_seconds_bucket{stage=\"classifier\",le=\"1.0\"} 1")
                .contains("coilsight_test_seconds_count{stage=\"classifier\"} 1");
    }

    @Test
    void aGaugeReadAtScrapeShowsTheValueOfTheMomentOfEachScrape() {
        AtomicInteger running = new AtomicInteger(1);
        metrics.readAtScrape("coilsight_test_running", "1 while running", running::get);
        assertThat(scrape()).contains("coilsight_test_running 1.0");
        running.set(0);
        assertThat(scrape()).contains("coilsight_test_running 0.0");
    }
}
