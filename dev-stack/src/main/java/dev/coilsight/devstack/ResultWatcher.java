package dev.coilsight.devstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.Topics;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;

/**
 * Reads the pipeline's committed results (read_committed, as any downstream consumer would) so that the
 * demo knows when every replayed image is through, and can score the masks against the labels. It counts every result
 * and keeps the latest {@link #KEPT} of each kind: a live demo left running replays without end.
 */
final class ResultWatcher implements AutoCloseable {

    /** Results kept of each kind: more than any data set a demo replays once. */
    static final int KEPT = 20_000;

    private final KafkaConsumer<String, Object> consumer;
    private final Thread thread;
    private final Map<String, ImageClassified> classifications = latest();
    private final Map<String, DefectSegmentation> segmentations = latest();
    private final AtomicLong classified = new AtomicLong();
    private final AtomicLong defective = new AtomicLong();
    private final AtomicLong segmented = new AtomicLong();
    private final String coilPrefix;
    private volatile boolean running = true;

    ResultWatcher(String bootstrapServers, String registryUrl) {
        this(bootstrapServers, registryUrl, "");
    }

    /** Counts only the coils whose ids start with {@code coilPrefix}: a demo on a reused --data-dir sees earlier runs' results too. */
    ResultWatcher(String bootstrapServers, String registryUrl, String coilPrefix) {
        this.coilPrefix = coilPrefix;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "coilsight-demo-results-" + ProcessHandle.current().pid());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ValueByTopic(registryUrl));
        consumer.subscribe(List.of(Topics.CLASSIFICATIONS, Topics.DEFECTS));
        thread = new Thread(this::run, "demo-results");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() instanceof ImageClassified c && c.getCoilId().startsWith(coilPrefix)) {
                        if (classifications.put(c.getImageId(), c) == null) {
                            classified.incrementAndGet();
                            defective.addAndGet(c.getDefective() ? 1 : 0);
                        }
                    } else if (r.value() instanceof DefectSegmentation s && s.getCoilId().startsWith(coilPrefix)) {
                        if (segmentations.put(s.getImageId(), s) == null) {
                            segmented.incrementAndGet();
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    int classified() {
        return (int) classified.get();
    }

    long defective() {
        return defective.get();
    }

    int segmented() {
        return (int) segmented.get();
    }

    List<ImageClassified> classifications() {
        synchronized (classifications) {
            return new ArrayList<>(classifications.values());
        }
    }

    Map<String, DefectSegmentation> segmentations() {
        synchronized (segmentations) {
            return Map.copyOf(segmentations);
        }
    }

    /** A map of the latest {@link #KEPT} entries by insertion, safe for the reading thread and the demo's. */
    private static <V> Map<String, V> latest() {
        return Collections.synchronizedMap(new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > KEPT;
            }
        });
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deserializes classifications and segmentations, each with its own reader. */
    private static final class ValueByTopic implements org.apache.kafka.common.serialization.Deserializer<Object> {
        private final SpecificAvroDeserializer<ImageClassified> classified = new SpecificAvroDeserializer<>();
        private final SpecificAvroDeserializer<DefectSegmentation> segmented = new SpecificAvroDeserializer<>();

        ValueByTopic(String registryUrl) {
            classified.configure(Map.of(RegistryClientConfig.URL, registryUrl, "specific.avro.value.type", ImageClassified.class), false);
            segmented.configure(Map.of(RegistryClientConfig.URL, registryUrl, "specific.avro.value.type", DefectSegmentation.class), false);
        }

        @Override
        public Object deserialize(String topic, byte[] data) {
            return topic.equals(Topics.DEFECTS) ? segmented.deserialize(topic, data) : classified.deserialize(topic, data);
        }

        @Override
        public void close() {
            classified.close();
            segmented.close();
        }
    }
}
