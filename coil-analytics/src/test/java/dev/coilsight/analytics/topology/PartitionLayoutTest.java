package dev.coilsight.analytics.topology;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PartitionLayoutTest {

    @Test
    void topicsThatCannotBeDescribedStopTheStartInsteadOfAGuessedLayout() {
        CoilAnalyticsTopology.Topics topics = new CoilAnalyticsTopology.Topics("t.classifications", "t.defects", "t.images.defective",
                "t.coil-ends", "t.coil-stats", "t.coil-grades", "t.alerts");
        // Nothing listens on port 1: every attempt times out after a second.
        Map<String, Object> admin = Map.of("bootstrap.servers", "127.0.0.1:1", "default.api.timeout.ms", 1000, "request.timeout.ms", 500);

        assertThatThrownBy(() -> PartitionLayout.imagePartitions(admin, topics, Duration.ofSeconds(3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("t.classifications").hasMessageContaining("t.images.defective").hasMessageContaining("3 s");
    }
}
