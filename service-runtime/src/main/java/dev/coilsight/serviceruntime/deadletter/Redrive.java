package dev.coilsight.serviceruntime.deadletter;

import java.io.UncheckedIOException;
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
    /** On a mark: the source record sent back ({@code steel.images-2@1450}), so that another dead letter of it is not sent again. */
    public static final String MARK_SOURCE = "coilsight.dlq.redriven.source";
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
            producer.close(java.time.Duration.ZERO);
            throw new UncheckedIOException(new java.io.IOException("cannot start the redrive's transactions at "
                    + settings.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + ": " + e.getMessage(), e));
        }
    }

    /**
     * Sends these dead letters to their source topics, {@value #PER_TRANSACTION} per transaction; what a failed
     * transaction held is neither sent nor marked. Dead letters of one source record (a live and a shadow worker both gave
     * up on it) send it once, and all of them are marked.
     *
     * @param progress told how many dead letters have been handled so far
     * @throws UncheckedIOException when the cluster refuses or does not answer (what was committed before stays sent)
     */
    public Outcome send(List<DeadLetter> letters, DeadLetterTopic topic, IntConsumer progress) {
        Map<String, Integer> sent = new TreeMap<>();
        Map<String, String> skipped = new TreeMap<>();
        java.util.Set<DeadLetter.Offset> sources = new java.util.HashSet<>();
        for (int from = 0; from < letters.size(); from += PER_TRANSACTION) {
            List<DeadLetter> chunk = letters.subList(from, Math.min(letters.size(), from + PER_TRANSACTION));
            // Everything is read before the transaction opens: reads over a slow link must not run out its timeout.
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            Map<String, Integer> sentHere = new HashMap<>();
            for (DeadLetter letter : chunk) {
                Optional<ConsumerRecord<byte[], byte[]>> stored = topic.read(letter.at());
                if (stored.isEmpty()) {
                    skipped.put(letter.at().toString(), "no longer on the dead-letter topic");
                    continue;
                }
                if (sources.contains(letter.source())) {
                    records.add(mark(letter, stored.get())); // its record goes back once, with the first of its dead letters
                    continue;
                }
                Optional<String> why = whyNot(letter, topic);
                if (why.isPresent()) {
                    skipped.put(letter.at().toString(), why.get());
                    continue;
                }
                byte[] value = letter.valueOmitted() ? topic.read(letter.source()).map(ConsumerRecord::value).orElse(null) : stored.get().value();
                if (letter.valueOmitted() && value == null) {
                    skipped.put(letter.at().toString(), "its value was too large to keep and " + letter.source() + " is no longer there");
                    continue;
                }
                sources.add(letter.source());
                records.add(resent(letter, stored.get(), value));
                records.add(mark(letter, stored.get()));
                sentHere.merge(letter.source().topic(), 1, Integer::sum);
            }
            commit(records);
            sentHere.forEach((name, count) -> sent.merge(name, count, Integer::sum));
            progress.accept(from + chunk.size());
        }
        return new Outcome(sent, skipped);
    }

    /** Why this dead letter cannot be sent back, or empty when it can. */
    private static Optional<String> whyNot(DeadLetter letter, DeadLetterTopic topic) {
        if (letter.source().partition() < 0 || letter.source().offset() < 0) {
            return Optional.of("its headers do not say where it was read");
        }
        if (!topic.exists(letter.source().topic())) {
            return Optional.of("its source topic " + letter.source().topic() + " no longer exists");
        }
        return Optional.empty();
    }

    private void commit(List<ProducerRecord<byte[], byte[]>> records) {
        if (records.isEmpty()) {
            return;
        }
        try {
            producer.beginTransaction();
            records.forEach(producer::send);
            commitOrAskAgain();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            // A commit that timed out may still complete: run again, the marks keep what went through from going twice.
            throw new UncheckedIOException(new java.io.IOException("the redrive's transaction did not finish in time and may or may "
                    + "not have been committed; run the redrive again (what went through is marked): " + e.getMessage(), e));
        } catch (KafkaException e) {
            abortQuietly();
            throw new UncheckedIOException(new java.io.IOException("the redrive's transaction failed (nothing of it was sent): " + e, e));
        }
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
        headers.add(MARK_SOURCE, letter.source().toString().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(letter.at().topic(), letter.at().partition(), stored.key(), null, headers);
    }

    /** Commits; a commit that timed out is asked again once (aborting it would be illegal: it may complete). */
    private void commitOrAskAgain() {
        try {
            producer.commitTransaction();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            producer.commitTransaction();
        }
    }

    private void abortQuietly() {
        try {
            producer.abortTransaction();
        } catch (RuntimeException ignored) {
            // fenced, broken or a commit still pending: closing drops the transaction, which the broker aborts
        }
    }

    /** The dead letters to send, in their order: those without a mark whose source record no earlier redrive sent back. */
    public static List<DeadLetter> unmarked(List<DeadLetter> candidates, Map<String, String> marks, java.util.Set<String> redrivenSources) {
        List<DeadLetter> left = new ArrayList<>();
        for (DeadLetter letter : candidates) {
            if (!marks.containsKey(letter.at().toString()) && !redrivenSources.contains(letter.source().toString())) {
                left.add(letter);
            }
        }
        return left;
    }

    @Override
    public void close() {
        // Not for ever: after a failure with the cluster away, the producer would keep trying to end its transaction.
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
