package dev.coilsight.analytics.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.coilsight.analytics.topology.CoilAnalyticsTopology;
import dev.coilsight.analytics.topology.PartitionLayout;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.TestInfrastructure;

/** The input topics' partition counts as coil-analytics reads them at start, on the real broker. */
@ExtendWith(RealInfrastructureExtension.class)
class PartitionLayoutIT {

    private static CoilAnalyticsTopology.Topics topics(int results, int defects, int ends, int images) {
        String p = "layout-" + UUID.randomUUID().toString().substring(0, 6);
        CoilAnalyticsTopology.Topics topics = new CoilAnalyticsTopology.Topics(p + ".classifications", p + ".defects",
                p + ".images.defective", p + ".coil-ends", p + ".coil-stats", p + ".coil-grades", p + ".alerts");
        TestInfrastructure.kafka().createTopics(results, topics.classifications());
        TestInfrastructure.kafka().createTopics(defects, topics.defects());
        TestInfrastructure.kafka().createTopics(ends, topics.coilEnds());
        TestInfrastructure.kafka().createTopics(images, topics.defectiveImages());
        return topics;
    }

    private static Map<String, Object> admin() {
        return Map.of("bootstrap.servers", TestInfrastructure.kafka().bootstrapServers());
    }

    @Test
    void moreImagePartitionsAreRepartitionedIntoTheResultsCount() throws Exception {
        assertThat(PartitionLayout.imagePartitions(admin(), topics(3, 3, 3, 6), Duration.ofSeconds(30))).isEqualTo(3);
        assertThat(PartitionLayout.imagePartitions(admin(), topics(3, 3, 3, 3), Duration.ofSeconds(30))).isZero();
    }

    @Test
    void coilEndsOrSegmentationsOnAnotherPartitionCountStopTheStartNamingTheTopic() {
        CoilAnalyticsTopology.Topics ends = topics(3, 3, 6, 3);
        assertThatThrownBy(() -> PartitionLayout.imagePartitions(admin(), ends, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(ends.coilEnds() + " has 6 partitions");
        CoilAnalyticsTopology.Topics defects = topics(3, 2, 3, 3);
        assertThatThrownBy(() -> PartitionLayout.imagePartitions(admin(), defects, Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(defects.defects() + " has 2 partitions");
    }
}
