package dev.coilsight.serviceruntime.deadletter;

import java.time.Duration;
import java.util.Map;

import dev.coilsight.schemas.Topics;
import dev.coilsight.serviceruntime.cluster.ClusterOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the dead letters are, as a picocli mixin: the cluster, the topic and how long reading it may take. */
public final class DeadLetterTopicOptions {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--topic", defaultValue = "${env:COILSIGHT_TOPIC_DLQ:-" + Topics.DLQ + "}",
            description = "The dead-letter topic (default: $COILSIGHT_TOPIC_DLQ or ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS", description = "Give up a read after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    public String topic() {
        return topic;
    }

    /** A reader of the topic; close it. */
    public DeadLetterTopic open() {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        return new DeadLetterTopic(cluster.settings(false).consumer(), topic, Duration.ofSeconds(timeoutSeconds));
    }

    /** The cluster's producer settings ({@code COILSIGHT_KAFKA_*} applied). */
    public Map<String, Object> producerSettings() {
        return cluster.settings(false).producer();
    }
}
