package dev.coilsight.serviceruntime.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntConsumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends dead letters back to the topic they were read from, so that the stage tries them again (after its model or its
 * input was fixed), each at most once. With each record sent, a mark goes to the dead-letter topic in the same
 * transaction ({@link #MARK}: the dead letter's place), and a redrive leaves out every dead letter that has one. One
 * transactional id serves every redrive: starting one fences any other still running, so that two cannot both send
 * what neither had marked yet.
 */
public final class Redrive implements AutoCloseable {

    /** On a mark on the dead-letter topic: the dead letter that was sent again ({@code steel.dlq-0@17}). A mark has no value. */
    public static final String MARK = "coilsight.dlq.redriven";
    /** On a mark: when (ISO-8601). */
    public static final String MARK_AT = "coilsight.dlq.redriven.at";
    static final String TRANSACTIONAL_ID = "coilsight-dead-letter-redrive";
    /** Records sent per transaction: a failure loses at most this many from the run (the next run sends them). */
    static final int PER_TRANSACTION = 50;
    private static final String DLQ_PREFIX = "coilsight.dlq.";

    /** What a redrive did: records sent per topic, and the dead letters it could not send with why. */
    public record Outcome(Map<String, Integer> sent, Map<String, String> skipped) {
        public int sentCount() {
            return sent.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final KafkaProducer<byte[], byte[]> producer;
    private final Clock clock;

    /**
     * Fences any redrive still running, so call it before reading which dead letters are marked.
     *
     * @param settings the cluster's producer settings ({@code COILSIGHT_KAFKA_*} applied)
     */
    public Redrive(Map<String, Object> settings, Clock clock) {
        Map<String, Object> configs = new HashMap<>(settings);
        configs.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID);
        configs.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        configs.put(ProducerConfig.ACKS_CONFIG, "all");
        // A dead letter's value fitted the stage that wrote it; the source topic's max.message.bytes is the limit that counts.
        configs.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 * 1024 * 1024);
        this.producer = new KafkaProducer<>(configs, new ByteArraySerializer(), new ByteArraySerializer());
        this.clock = clock;
        try {
            producer.initTransactions();
        } catch (KafkaException e) {
            producer.close();
            throw e;
        }
    }

    /**
     * Sends these dead letters to their source topics, {@value #PER_TRANSACTION} per transaction; what a failed
     * transaction held is neither sent nor marked.
     *
     * @param progress told how many dead letters have been handled so far
     */
    public Outcome send(List<DeadLetter> letters, DeadLetterTopic topic, IntConsumer progress) {
        Map<String, Integer> sent = new TreeMap<>();
        Map<String, String> skipped = new TreeMap<>();
        for (int from = 0; from < letters.size(); from += PER_TRANSACTION) {
            List<DeadLetter> chunk = letters.subList(from, Math.min(letters.size(), from + PER_TRANSACTION));
            Map<String, Integer> sentHere = new HashMap<>();
            producer.beginTransaction();
            try {
                for (DeadLetter letter : chunk) {
                    Optional<String> why = sendOne(letter, topic);
                    if (why.isPresent()) {
                        skipped.put(letter.at().toString(), why.get());
                    } else {
                        sentHere.merge(letter.source().topic(), 1, Integer::sum);
                    }
                }
                producer.commitTransaction();
            } catch (RuntimeException e) {
                abortQuietly();
                throw e;
            }
            sentHere.forEach((name, count) -> sent.merge(name, count, Integer::sum));
            progress.accept(from + chunk.size());
        }
        return new Outcome(sent, skipped);
    }

    /** Sends one dead letter and its mark; empty when sent, else why not. */
    private Optional<String> sendOne(DeadLetter letter, DeadLetterTopic topic) {
        Optional<ConsumerRecord<byte[], byte[]>> stored = topic.read(letter.at());
        if (stored.isEmpty()) {
            return Optional.of("no longer on the dead-letter topic");
        }
        byte[] value = stored.get().value();
        if (letter.valueOmitted()) {
            Optional<ConsumerRecord<byte[], byte[]>> source = topic.read(letter.source());
            if (source.isEmpty()) {
                return Optional.of("its value was too large to keep and " + letter.source() + " is no longer there");
            }
            value = source.get().value();
        }
        producer.send(resent(letter, stored.get(), value));
        producer.send(mark(letter, stored.get()));
        return Optional.empty();
    }

    /** The record sent again: the original key, value and headers, without the dead-letter headers, naming the dead letter. */
    static ProducerRecord<byte[], byte[]> resent(DeadLetter letter, ConsumerRecord<byte[], byte[]> stored, byte[] value) {
        Headers headers = new RecordHeaders();
        for (var header : stored.headers()) {
            if (!header.key().startsWith(DLQ_PREFIX) && !header.key().equals(DeadLetters.REDRIVEN_FROM)) {
                headers.add(header.key(), header.value());
            }
        }
        headers.add(DeadLetters.REDRIVEN_FROM, letter.at().toString().getBytes(StandardCharsets.UTF_8));
        // Partitioned by key as the source's producer did, so a coil's records stay on one partition.
        return new ProducerRecord<>(letter.source().topic(), null, stored.key(), value, headers);
    }

    /** The mark that the dead letter was sent again, on its own partition of the dead-letter topic. */
    ProducerRecord<byte[], byte[]> mark(DeadLetter letter, ConsumerRecord<byte[], byte[]> stored) {
        Headers headers = new RecordHeaders();
        headers.add(MARK, letter.at().toString().getBytes(StandardCharsets.UTF_8));
        headers.add(MARK_AT, clock.instant().toString().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(letter.at().topic(), letter.at().partition(), stored.key(), null, headers);
    }

    private void abortQuietly() {
        try {
            producer.abortTransaction();
        } catch (KafkaException ignored) {
            // fenced or broken: closing drops the transaction, which the broker aborts
        }
    }

    /** The dead letters to send: those that pass, without a mark, oldest first within each partition. */
    public static List<DeadLetter> unmarked(List<DeadLetter> candidates, Map<String, String> marks) {
        List<DeadLetter> left = new ArrayList<>();
        for (DeadLetter letter : candidates) {
            if (!marks.containsKey(letter.at().toString())) {
                left.add(letter);
            }
        }
        return left;
    }

    @Override
    public void close() {
        producer.close();
    }
}
