package dev.coilsight.analytics.topology;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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

    /**
     * The partition count the defective images must be repartitioned into (the classifications'), or 0 when
     * the topics agree or cannot be described now (Streams then starts on the layout as it is).
     */
    public static int imagePartitions(Map<String, Object> adminSettings, CoilAnalyticsTopology.Topics topics) {
        try (Admin admin = Admin.create(adminSettings)) {
            Map<String, TopicDescription> described = admin.describeTopics(List.of(topics.classifications(), topics.defectiveImages()))
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            int results = described.get(topics.classifications()).partitions().size();
            int images = described.get(topics.defectiveImages()).partitions().size();
            if (results == images) {
                return 0;
            }
            log.info("{} has {} partitions, {} has {}: images are repartitioned by coil into {}", topics.defectiveImages(), images,
                    topics.classifications(), results, results);
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            log.warn("cannot read the partition counts of {} and {} ({}); assuming they agree", topics.classifications(),
                    topics.defectiveImages(), e.toString());
            return 0;
        }
    }
}
