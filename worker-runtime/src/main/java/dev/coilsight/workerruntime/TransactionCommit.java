package dev.coilsight.workerruntime;

import java.time.Duration;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a worker thread's open transaction. A commit that times out may still complete on the broker,
 * and aborting it then is illegal (the producer throws {@link IllegalStateException}); KafkaProducer's
 * contract is to call {@code commitTransaction} again, which this does for the transaction timeout after
 * the first time-out (each call itself waits {@code max.block.ms}); by then the broker has aborted the
 * transaction and the producer cannot go on.
 */
final class TransactionCommit {

    private static final Logger log = LoggerFactory.getLogger(TransactionCommit.class);

    private TransactionCommit() {
    }

    /** @throws IllegalStateException when commits kept timing out for {@code retryFor} after the first time-out */
    static void commit(Producer<?, ?> producer, Duration retryFor, String name) {
        Long deadline = null;
        int attempt = 1;
        while (true) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (deadline == null) {
                    deadline = System.nanoTime() + retryFor.toNanos();
                } else if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(name + ": the commit kept timing out for longer than the transaction timeout ("
                            + retryFor.toMillis() + " ms); the producer cannot go on", e);
                }
                log.warn("{}: commit attempt {} timed out, asking again: {}", name, attempt++, e.getMessage());
            }
        }
    }
}
