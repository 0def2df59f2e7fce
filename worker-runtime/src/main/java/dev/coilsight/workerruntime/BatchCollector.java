package dev.coilsight.workerruntime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Builds batches from one consumer across all its assigned partitions: a batch is ready when it
 * holds {@code maxBatch} records, or {@code maxLinger} after its first record arrived, or when the
 * worker stops. Records polled beyond a full batch wait for the next one. Polls happen only here,
 * between transactions, so a rebalance never meets an open transaction: the worker calls
 * {@link #drop} for revoked partitions, whose uncommitted records the new owner reads again.
 */
final class BatchCollector {

    /** How long one poll waits while nothing is buffered (bounds how late a stop is noticed). */
    static final Duration IDLE_POLL = Duration.ofMillis(200);

    private final Consumer<byte[], byte[]> consumer;
    private final int maxBatch;
    private final Duration maxLinger;
    private final Deque<BatchProcessor.Polled> buffer = new ArrayDeque<>();

    BatchCollector(Consumer<byte[], byte[]> consumer, int maxBatch, Duration maxLinger) {
        this.consumer = consumer;
        this.maxBatch = maxBatch;
        this.maxLinger = maxLinger;
    }

    /** The next batch; empty when nothing arrived within one idle poll or the worker stops. */
    List<BatchProcessor.Polled> next(BooleanSupplier stopping) {
        if (buffer.isEmpty()) {
            poll(IDLE_POLL);
            if (buffer.isEmpty()) {
                return List.of();
            }
        }
        long deadline = System.nanoTime() + maxLinger.toNanos();
        while (buffer.size() < maxBatch && !stopping.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            poll(Duration.ofNanos(left));
        }
        List<BatchProcessor.Polled> batch = new ArrayList<>(Math.min(maxBatch, buffer.size()));
        while (batch.size() < maxBatch && !buffer.isEmpty()) {
            batch.add(buffer.pollFirst());
        }
        return batch;
    }

    private void poll(Duration timeout) {
        long now = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            buffer.addLast(new BatchProcessor.Polled(r, now));
        }
    }

    /** Forgets buffered records of partitions this consumer no longer owns. */
    void drop(Collection<TopicPartition> partitions) {
        Set<TopicPartition> gone = new HashSet<>(partitions);
        buffer.removeIf(p -> gone.contains(new TopicPartition(p.record().topic(), p.record().partition())));
    }

    /**
     * After an aborted transaction: rewinds every partition of the failed batch and of the buffer to
     * its first uncommitted record, and empties the buffer, so that all of it is read again.
     */
    void rewind(List<BatchProcessor.Polled> failed) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (BatchProcessor.Polled p : failed) {
            first.merge(new TopicPartition(p.record().topic(), p.record().partition()), p.record().offset(), Math::min);
        }
        for (BatchProcessor.Polled p : buffer) {
            first.merge(new TopicPartition(p.record().topic(), p.record().partition()), p.record().offset(), Math::min);
        }
        buffer.clear();
        Set<TopicPartition> owned = consumer.assignment();
        first.forEach((tp, offset) -> {
            if (owned.contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
    }

    int buffered() {
        return buffer.size();
    }
}
