package dev.coilsight.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class AnalyticsMetricsTest {

    @Test
    void lineIdsFromUploadersCannotGrowTheSeriesWithoutBoundWhileTheRulesLinesKeepTheirOwn() {
        AnalyticsMetrics metrics = new AnalyticsMetrics(Clock.systemUTC(), Set.of("hot-strip-1", "pickling-2"));
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            labels.add(metrics.lineLabel("made-up-line-" + i));
        }
        assertThat(labels).hasSize(AnalyticsMetrics.MAX_OTHER_LINES + 1).contains("other", "made-up-line-0")
                .doesNotContain("made-up-line-999");
        assertThat(metrics.lineLabel("made-up-line-5")).as("a line that got its own label keeps it").isEqualTo("made-up-line-5");
        assertThat(metrics.lineLabel("hot-strip-1")).as("a line the rules name, after all the others").isEqualTo("hot-strip-1");
        assertThat(metrics.lineLabel(null)).isEqualTo("unknown");
    }
}
