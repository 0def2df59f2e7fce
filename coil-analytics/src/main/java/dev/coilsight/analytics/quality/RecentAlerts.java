package dev.coilsight.analytics.quality;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.schemas.QualityAlert;
import dev.coilsight.schemas.serde.SpecificAvroDeserializer;

/**
 * The latest quality alerts of the whole plant, for the dashboard: every instance reads every partition of the alerts
 * topic (no consumer group; it starts a little before the end of each partition) and keeps the last {@code capacity}
 * in memory, so any instance answers {@code /v1/alerts} alone. Alerts the topic holds twice (a line alert for the same
 * window, a re-grade) are kept once by id.
 */
public final class RecentAlerts implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RecentAlerts.class);

    private final KafkaConsumer<String, QualityAlert> consumer;
    private final String topic;
    private final int capacity;
    private final Deque<QualityAlert> alerts = new ArrayDeque<>();
    private final Thread reader;
    private volatile boolean running = true;

    /** @param settings the cluster's consumer settings (bootstrap servers, security) and the registry's */
    public RecentAlerts(Map<String, Object> settings, String topic, int capacity) {
        Map<String, Object> configs = new HashMap<>(settings);
        configs.put(ConsumerConfig.GROUP_ID_CONFIG, "coilsight-recent-alerts-" + UUID.randomUUID());
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        configs.put("specific.avro.value.type", QualityAlert.class);
        SpecificAvroDeserializer<QualityAlert> values = new SpecificAvroDeserializer<>();
        values.configure(configs, false);
        this.consumer = new KafkaConsumer<>(configs, new StringDeserializer(), values);
        this.topic = topic;
        this.capacity = capacity;
        this.reader = new Thread(this::read, "recent-alerts");
        reader.setDaemon(true);
    }

    public void start() {
        reader.start();
    }

    /** The latest alerts, newest first. */
    public synchronized List<QualityAlert> latest(int limit) {
        List<QualityAlert> out = new ArrayList<>(alerts);
        out.sort(Comparator.comparing(QualityAlert::getRaisedAt).reversed());
        return out.size() <= limit ? out : out.subList(0, limit);
    }

    private void read() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            while (running && partitions.isEmpty()) {
                try {
                    consumer.partitionsFor(topic, Duration.ofSeconds(5)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    log.debug("alerts topic {} not found yet", topic);
                }
            }
            consumer.assign(partitions);
            consumer.endOffsets(partitions).forEach((tp, end) -> consumer.seek(tp, Math.max(0, end - capacity)));
            while (running) {
                for (ConsumerRecord<String, QualityAlert> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() != null) {
                        add(r.value());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.warn("recent alerts are no longer read from {}: {}", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    synchronized void add(QualityAlert alert) {
        alerts.removeIf(a -> a.getAlertId().equals(alert.getAlertId()));
        alerts.addLast(alert);
        while (alerts.size() > capacity) {
            alerts.removeFirst();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
