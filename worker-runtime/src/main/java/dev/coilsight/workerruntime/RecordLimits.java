package dev.coilsight.workerruntime;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest record a worker may write to each of its topics: the smaller of the producer's
 * {@code max.request.size} and the topic's {@code max.message.bytes}, read from the broker at start. A
 * result over it could never be written, and retrying its batch would stall the partition for ever, so
 * its input is dead-lettered {@code TOO_LARGE} instead.
 */
record RecordLimits(int maxRequestSize, Map<String, Integer> maxMessageBytes) {

    private static final Logger log = LoggerFactory.getLogger(RecordLimits.class);

    RecordLimits {
        maxMessageBytes = Map.copyOf(maxMessageBytes);
    }

    int forTopic(String topic) {
        return Math.min(maxRequestSize, maxMessageBytes.getOrDefault(topic, Integer.MAX_VALUE));
    }

    /** What this limit is made of, for a dead letter's message. */
    String explain(String topic) {
        Integer topicLimit = maxMessageBytes.get(topic);
        return "max.request.size " + maxRequestSize + " (COILSIGHT_KAFKA_MAX_REQUEST_SIZE)"
                + (topicLimit == null ? "" : ", " + topic + "'s max.message.bytes " + topicLimit);
    }

    /** Reads the topics' {@code max.message.bytes}; a broker that cannot tell leaves {@code max.request.size} alone. */
    static RecordLimits read(Map<String, Object> adminSettings, int maxRequestSize, Collection<String> topics) {
        Map<String, Integer> limits = new HashMap<>();
        List<ConfigResource> resources = topics.stream().distinct().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        try (Admin admin = Admin.create(adminSettings)) {
            // Topic by topic: one that cannot be described (missing, no ACL) leaves the others' limits in force.
            admin.describeConfigs(resources).values().forEach((resource, future) -> {
                try {
                    ConfigEntry entry = future.get(30, TimeUnit.SECONDS).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                    if (entry != null && entry.value() != null) {
                        limits.put(resource.name(), Integer.parseInt(entry.value()));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    log.warn("cannot read max.message.bytes of {} ({}); its results are bounded by max.request.size {} alone",
                            resource.name(), e.toString(), maxRequestSize);
                }
            });
        }
        return new RecordLimits(maxRequestSize, limits);
    }
}
