package dev.coilsight.analytics;

import java.nio.file.Path;
import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;

import dev.coilsight.analytics.topology.CoilAnalyticsTopology;

/** What the tests give Kafka Streams' TopologyTestDriver: the topology's topics and the driver's settings. */
public final class TopologyDrivers {

    public static final CoilAnalyticsTopology.Topics TOPICS =
            new CoilAnalyticsTopology.Topics("classifications", "defects", "defective", "coil-ends", "coil-stats", "coil-grades", "alerts");

    private TopologyDrivers() {
    }

    /** A driver's settings: its application id and state folder (no broker is reached). */
    public static Properties properties(String applicationId, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }
}
