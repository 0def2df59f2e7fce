package dev.coilsight.embedded;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates topics on a one-node cluster (replication factor 1); topics that already exist are left as they are. */
public final class TopicCreator {

    private TopicCreator() {
    }

    public static void create(Admin admin, int partitions, Map<String, String> configs, String... topics) {
        List<NewTopic> newTopics = new ArrayList<>();
        for (String topic : topics) {
            newTopics.add(new NewTopic(topic, partitions, (short) 1).configs(configs));
        }
        try {
            for (var entry : admin.createTopics(newTopics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e);
                    }
                }
            }
            awaitLeaders(admin, partitions, topics);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not create topics " + List.of(topics) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns once every partition's leader serves requests. Metadata names a leader before that broker has
     * loaded the partition; an idempotent producer whose first send meets that gap can then retry for ever
     * with out-of-order sequence numbers. A ListOffsets request is answered by the leader itself (the admin
     * client retries NOT_LEADER_OR_FOLLOWER), and writes nothing.
     */
    private static void awaitLeaders(Admin admin, int partitions, String... topics) throws Exception {
        Map<TopicPartition, OffsetSpec> all = new HashMap<>();
        for (String topic : topics) {
            for (int p = 0; p < partitions; p++) {
                all.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // First until the metadata lists every topic: asked before, ListOffsets logs an ERROR per unknown topic.
        while (true) {
            try {
                admin.describeTopics(List.of(topics)).allTopicNames().get(30, TimeUnit.SECONDS);
                break;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
        while (true) {
            try {
                admin.listOffsets(all).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                // A topic just created may not be in the metadata yet, or its leader not loaded: ask again.
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
