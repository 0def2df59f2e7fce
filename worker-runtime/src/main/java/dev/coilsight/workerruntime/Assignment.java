package dev.coilsight.workerruntime;

import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions one worker thread holds: counted for /ready and the metrics, and dropped from the
 * thread's buffered records when they are revoked (inside poll, between transactions: nothing of them
 * is in flight then).
 */
final class Assignment implements ConsumerRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(Assignment.class);

    private final String name;
    private final BatchCollector collector;
    private final WorkerMetrics metrics;
    private final AtomicInteger assignedTotal;
    private volatile int assigned;

    Assignment(String name, BatchCollector collector, WorkerMetrics metrics, AtomicInteger assignedTotal) {
        this.name = name;
        this.collector = collector;
        this.metrics = metrics;
        this.assignedTotal = assignedTotal;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        collector.drop(partitions);
        update(-partitions.size());
        if (!partitions.isEmpty()) {
            log.info("{} gave up {}", name, partitions);
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        update(partitions.size());
        if (!partitions.isEmpty()) {
            log.info("{} assigned {}", name, partitions);
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        // Taken away without a rebalance this worker took part in (its session timed out, another took its id).
        collector.drop(partitions);
        update(-partitions.size());
        if (!partitions.isEmpty()) {
            log.warn("{} lost {} (the group moved on without it: a session timeout or a long pause)", name, partitions);
        }
    }

    int assigned() {
        return assigned;
    }

    /** The consumer is closed: none of its partitions counts any more. */
    void released() {
        if (assigned != 0) {
            update(-assigned);
        }
    }

    private void update(int delta) {
        assigned += delta;
        synchronized (assignedTotal) { // every loop's rebalance runs at once: the gauge must get the last sum, not an older one
            metrics.partitions(assignedTotal.addAndGet(delta));
        }
    }
}
