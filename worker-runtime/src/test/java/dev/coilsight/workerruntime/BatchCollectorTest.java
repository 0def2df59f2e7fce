package dev.coilsight.workerruntime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Batching across partitions, what a revoke drops and where an abort rewinds to, on Kafka's MockConsumer. */
class BatchCollectorTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);

    private MockConsumer<byte[], byte[]> consumer;

    @BeforeEach
    void assign() {
        consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    }

    private void add(TopicPartition tp, long offset) {
        consumer.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), offset, new byte[0], new byte[] {(byte) offset}));
    }

    /** Offsets 0 to {@code count - 1} on both partitions, interleaved. */
    private void addToBoth(long count) {
        for (long o = 0; o < count; o++) {
            add(P0, o);
            add(P1, o);
        }
    }

    /** The next batch of a worker that is not stopping. */
    private static List<BatchProcessor.Polled> next(BatchCollector collector) {
        return collector.next(() -> false);
    }

    /** The batch's first offset of the partition, or {@code none} when the batch has none of it. */
    private static long firstOffset(List<BatchProcessor.Polled> batch, int partition, long none) {
        return batch.stream().filter(p -> p.record().partition() == partition).mapToLong(p -> p.record().offset()).min().orElse(none);
    }

    private static List<String> ids(List<BatchProcessor.Polled> batch) {
        return batch.stream().map(p -> p.record().partition() + "@" + p.record().offset()).toList();
    }

    @Test
    void aBatchTakesRecordsOfEveryPartitionUpToTheMaximumAndTheRestWaitsForTheNext() {
        addToBoth(3);
        BatchCollector collector = new BatchCollector(consumer, 4, Duration.ZERO);
        List<BatchProcessor.Polled> first = next(collector);
        assertThat(first).hasSize(4);
        assertThat(first).extracting(p -> p.record().partition()).contains(0, 1);
        assertThat(collector.buffered()).isEqualTo(2);
        List<BatchProcessor.Polled> second = next(collector);
        assertThat(second).hasSize(2);
        assertThat(ids(first).size() + ids(second).size()).isEqualTo(6);
        assertThat(ids(second)).doesNotContainAnyElementsOf(ids(first));
        assertThat(next(collector)).isEmpty();
    }

    @Test
    void aBatchWaitsUpToTheLingerForMoreRecordsThenGoesWithWhatItHas() {
        add(P0, 0);
        consumer.schedulePollTask(() -> { });
        consumer.schedulePollTask(() -> add(P1, 0));
        BatchCollector collector = new BatchCollector(consumer, 8, Duration.ofSeconds(1));
        long started = System.nanoTime();
        // The first poll brings P0@0, a later one during the linger P1@0; then the linger runs out.
        List<BatchProcessor.Polled> batch = next(collector);
        assertThat(ids(batch)).containsExactly("0@0", "1@0");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    @org.junit.jupiter.api.Timeout(30) // the linger is 10 minutes: without the stop the call would return then, batch and all
    void aStopEndsTheLingerAndTheBatchInHandIsReturned() {
        add(P0, 0);
        BatchCollector collector = new BatchCollector(consumer, 8, Duration.ofMinutes(10));
        assertThat(ids(collector.next(() -> true))).containsExactly("0@0");
    }

    @Test
    void revokedPartitionsLoseTheirBufferedRecords() {
        addToBoth(3);
        BatchCollector collector = new BatchCollector(consumer, 1, Duration.ZERO);
        next(collector);
        assertThat(collector.buffered()).isEqualTo(5);
        collector.drop(List.of(P0));
        List<BatchProcessor.Polled> rest = next(collector);
        assertThat(rest).extracting(p -> p.record().partition()).containsOnly(1);
        assertThat(collector.buffered()).isEqualTo(1);
        assertThat(next(collector)).extracting(p -> p.record().partition()).containsOnly(1);
        assertThat(collector.buffered()).isZero();
    }

    @Test
    void anAbortedBatchRewindsEachPartitionToItsFirstUncommittedRecordAndEmptiesTheBuffer() {
        addToBoth(4);
        BatchCollector collector = new BatchCollector(consumer, 3, Duration.ZERO);
        next(collector);
        List<BatchProcessor.Polled> failed = next(collector);
        long firstP0 = firstOffset(failed, 0, 8);
        long firstP1 = firstOffset(failed, 1, 8);
        assertThat(consumer.position(P0)).isEqualTo(4);
        collector.rewind(failed);
        assertThat(collector.buffered()).isZero();
        // Partitions with records in the batch go back to the batch's first; those only buffered to the buffer's first.
        assertThat(consumer.position(P0)).isEqualTo(Math.min(firstP0, 4));
        assertThat(consumer.position(P1)).isEqualTo(Math.min(firstP1, 4));
        assertThat(consumer.position(P0) + consumer.position(P1)).isEqualTo(3);
    }
}
