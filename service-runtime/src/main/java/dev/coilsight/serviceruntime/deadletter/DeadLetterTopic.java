package dev.coilsight.serviceruntime.deadletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the dead-letter topic (and, for a dead letter whose value was too large to keep, its source record) without a
 * consumer group: nothing is committed, so reading changes nothing for anyone. Only committed records are read
 * ({@code read_committed}): a worker writes its dead letters in the transaction of its batch.
 */
public final class DeadLetterTopic implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Duration timeout;
    private final String servers;
    private List<ConsumerRecord<byte[], byte[]>> lastPoll = List.of();
    private final Map<String, Boolean> known = new HashMap<>();
    private final java.util.Set<String> redrivenSources = new java.util.HashSet<>();

    /**
     * @param settings the cluster's consumer settings ({@code COILSIGHT_KAFKA_*} applied)
     * @param timeout  how long one read may take before the command gives up
     */
    public DeadLetterTopic(Map<String, Object> settings, String topic, Duration timeout) {
        Map<String, Object> configs = new HashMap<>(settings);
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        configs.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        configs.remove(ConsumerConfig.GROUP_ID_CONFIG);
        // A mistyped --topic, or a source topic deleted since, must not be created by looking for it.
        configs.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        this.consumer = new KafkaConsumer<>(configs, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.timeout = timeout;
        this.servers = String.valueOf(settings.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
    }

    /**
     * Reads the topic from its first to its last committed record as of this call.
     *
     * @param progress told the records read so far and how many there are, now and then
     * @param sink     takes each dead letter, in offset order within a partition
     * @return the redrive marks read: the dead letters already sent again ({@link DeadLetter.Offset#toString()}) and when
     */
    public Map<String, String> scan(BiConsumer<Long, Long> progress, Consumer<DeadLetter> sink) {
        try {
            List<TopicPartition> partitions = partitions(topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, timeout);
            long total = partitions.stream().mapToLong(p -> end.get(p) - start.get(p)).sum();
            Map<String, String> marks = new HashMap<>();
            long read = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reachedEnd(end)) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException(new IOException("reading " + topic + " took longer than " + timeout.toSeconds() + " s; "
                            + read + " of " + total + " records read (a longer --timeout?)"));
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    read++;
                    String marked = DeadLetter.text(record.headers(), Redrive.MARK);
                    if (marked != null) {
                        marks.put(marked, String.valueOf(DeadLetter.text(record.headers(), Redrive.MARK_AT)));
                        String source = DeadLetter.text(record.headers(), Redrive.MARK_SOURCE);
                        if (source != null) {
                            redrivenSources.add(source);
                        }
                    } else {
                        DeadLetter.of(record).ifPresent(sink);
                    }
                }
                progress.accept(read, total);
            }
            return marks;
        } catch (KafkaException e) {
            throw unreadable(topic, e);
        }
    }

    /** The source records (their {@link DeadLetter.Offset#toString()}) that the marks read by {@link #scan} say were sent back. */
    public java.util.Set<String> redrivenSources() {
        return java.util.Collections.unmodifiableSet(redrivenSources);
    }

    /** The record at this place, or empty when it is not there any more (retention deleted it, or it was never committed). */
    public Optional<ConsumerRecord<byte[], byte[]>> read(DeadLetter.Offset at) {
        for (ConsumerRecord<byte[], byte[]> record : lastPoll) {
            if (record.topic().equals(at.topic()) && record.partition() == at.partition() && record.offset() == at.offset()) {
                return Optional.of(record);
            }
        }
        try {
            TopicPartition partition = new TopicPartition(at.topic(), at.partition());
            if (!exists(at.topic()) || !partitions(at.topic()).contains(partition)) {
                return Optional.empty();
            }
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            if (at.offset() >= end || at.offset() < consumer.beginningOffsets(List.of(partition), timeout).get(partition)) {
                return Optional.empty();
            }
            consumer.seek(partition, at.offset());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition) < end) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException(new IOException("reading " + at + " took longer than " + timeout.toSeconds() + " s"));
                }
                lastPoll = consumer.poll(Duration.ofMillis(500)).records(partition);
                for (ConsumerRecord<byte[], byte[]> record : lastPoll) {
                    if (record.offset() >= at.offset()) {
                        return record.offset() == at.offset() ? Optional.of(record) : Optional.empty();
                    }
                }
            }
            return Optional.empty();
        } catch (KafkaException e) {
            throw unreadable(at.topic(), e);
        }
    }

    /** Whether the topic exists on the cluster (asked once per topic). */
    public boolean exists(String name) {
        return known.computeIfAbsent(name, n -> {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(n, timeout);
                return infos != null && !infos.isEmpty();
            } catch (KafkaException e) {
                throw unreadable(n, e);
            }
        });
    }

    private List<TopicPartition> partitions(String name) {
        List<PartitionInfo> infos = consumer.partitionsFor(name, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("topic " + name + " does not exist on the cluster at " + servers);
        }
        return infos.stream().map(p -> new TopicPartition(name, p.partition())).toList();
    }

    private boolean reachedEnd(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private UncheckedIOException unreadable(String name, KafkaException e) {
        return new UncheckedIOException(new IOException(name + " at " + servers + " could not be read: " + e.getMessage(), e));
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
