package dev.coilsight.analytics.topology;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input topics' partition counts, read at start: the defective images may come on a topic with more
 * partitions than the results (k8s gives the GPU workers' input more), and then their store would hold a
 * coil in another task than the coil's figures, so that look-ups routed by coil reach the wrong instance.
 */
public final class PartitionLayout {

    private static final Logger log = LoggerFactory.getLogger(PartitionLayout.class);

    private PartitionLayout() {
    }

    /** How long a start waits for the input topics to be described (created by a deploy step that may still be running). */
    public static final Duration PATIENCE = Duration.ofMinutes(2);

    /**
     * The partition count the defective images must be repartitioned into (the classifications'), or 0 when the topics
     * agree. Asks again until {@code patience} is over, then refuses to start: a guessed layout would stay wrong for the
     * life of the process, and instances started at different times could build different topologies.
     *
     * @throws IllegalStateException when the topics cannot be described within {@code patience}
     */
    public static int imagePartitions(Map<String, Object> adminSettings, CoilAnalyticsTopology.Topics topics, Duration patience)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(adminSettings)) {
            do {
                try {
                    return imagePartitions(admin, topics);
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                    log.info("cannot read the partition counts of {}, {}, {} and {} yet ({}); asking again", topics.classifications(),
                            topics.defects(), topics.coilEnds(), topics.defectiveImages(), e.getCause() != null ? e.getCause().toString() : e.toString());
                    Thread.sleep(2_000);
                }
            } while (System.nanoTime() < deadline);
        }
        throw new IllegalStateException("cannot read the partition counts of " + topics.classifications() + ", " + topics.defects() + ", "
                + topics.coilEnds() + " and " + topics.defectiveImages() + " within " + patience.toSeconds()
                + " s (do all four topics exist?): " + (last.getCause() != null ? last.getCause() : last));
    }

    private static int imagePartitions(Admin admin, CoilAnalyticsTopology.Topics topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> described = admin.describeTopics(List.of(topics.classifications(), topics.defects(),
                topics.coilEnds(), topics.defectiveImages())).allTopicNames().get(30, TimeUnit.SECONDS);
        int results = described.get(topics.classifications()).partitions().size();
        for (String together : List.of(topics.defects(), topics.coilEnds())) {
            int partitions = described.get(together).partitions().size();
            if (partitions != results) {
                // Streams does not check this: a coil's end or segmentations would reach another task than its figures.
                throw new IllegalStateException(together + " has " + partitions + " partitions and " + topics.classifications() + " "
                        + results + ": coil-analytics reads them together by coil, so they must have as many");
            }
        }
        int images = described.get(topics.defectiveImages()).partitions().size();
        if (results == images) {
            return 0;
        }
        log.info("{} has {} partitions, {} has {}: images are repartitioned by coil into {}", topics.defectiveImages(), images,
                topics.classifications(), results, results);
        return results;
    }
}
