package dev.coilsight.analytics.recent;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer in no shared consumer group, on a daemon thread of its own, so that each instance reads every partition
 * of its topics itself and any instance answers for all of them: committed records only, no topic created by asking
 * for it, fetches large enough for an image. Closing stops the reading and waits for the thread.
 */
final class EveryPartitionReader<K, V> implements AutoCloseable {

    /** The reading, which goes on while {@link #running()}; a closing reader wakes its consumer out of a poll. */
    interface Loop<K, V> {
        void read(KafkaConsumer<K, V> consumer) throws InterruptedException;
    }

    private static final Logger log = LoggerFactory.getLogger(EveryPartitionReader.class);

    private final KafkaConsumer<K, V> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private final CountDownLatch closed = new CountDownLatch(1);

    /** The consumer settings of such a reader: the cluster's and the registry's, and a group of its own named {@code group-<uuid>}. */
    static Map<String, Object> settings(Map<String, Object> cluster, String group) {
        Map<String, Object> configs = new HashMap<>(cluster);
        configs.put(ConsumerConfig.GROUP_ID_CONFIG, group + "-" + UUID.randomUUID());
        configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        configs.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        configs.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        configs.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        return configs;
    }

    /** How long a failed reading waits before it starts again (a slow cluster at start, a leader being elected). */
    static final Duration RETRY = Duration.ofSeconds(5);

    /** How long a reader waits before reading again a record it could not read because the schema registry did not answer. */
    static final Duration REGISTRY_WAIT = Duration.ofSeconds(2);

    /** @param stopped what the log says when the reading fails (and, until it starts again, has stopped) */
    EveryPartitionReader(String threadName, KafkaConsumer<K, V> consumer, String stopped, Loop<K, V> loop) {
        this.consumer = consumer;
        this.thread = new Thread(() -> run(loop, stopped), threadName);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    boolean running() {
        return running;
    }

    /** Waits {@code wait}, or less when the reader is closed meanwhile; true when it still runs. */
    boolean pause(Duration wait) throws InterruptedException {
        return !closed.await(wait.toMillis(), TimeUnit.MILLISECONDS) && running;
    }

    /** Reads; a failure while running starts the reading again after {@link #RETRY}, from where the loop starts. */
    private void run(Loop<K, V> loop, String stopped) {
        try {
            while (running) {
                try {
                    loop.read(consumer);
                    return;
                } catch (WakeupException e) {
                    return; // closing
                } catch (RuntimeException e) {
                    if (!running) {
                        return;
                    }
                    log.warn("{}: {}; reading again in {} s", stopped, e.toString(), RETRY.toSeconds());
                    pause(RETRY);
                }
            }
        } catch (InterruptedException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        running = false;
        closed.countDown();
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
