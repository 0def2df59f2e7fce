package dev.coilsight.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;

import dev.coilsight.embedded.LocalKafka;

/** Fresh topics for one bench run, named {@code bench-<role>-<run>}, returned once every partition has a leader. */
public final class BenchTopics {

    private BenchTopics() {
    }

    public static Map<String, String> create(LocalKafka kafka, int partitions, List<String> roles) throws InterruptedException {
        Map<String, String> topics = new HashMap<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        roles.forEach(role -> topics.put(role, "bench-" + role + "-" + run));
        kafka.createTopics(partitions, Map.of(), topics.values().toArray(String[]::new));
        // A produce right after creation can meet a partition with no leader yet (idempotent producers then stall).
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Admin admin = kafka.admin()) {
            while (true) {
                try {
                    boolean led = admin.describeTopics(topics.values()).allTopicNames().get().values().stream()
                            .allMatch(d -> d.partitions().size() == partitions
                                    && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                    if (led) {
                        return topics;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    // not known yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + topics.values() + " have no leaders after 30 s");
                }
                Thread.sleep(100);
            }
        }
    }
}
