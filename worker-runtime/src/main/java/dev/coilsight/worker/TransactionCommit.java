package dev.coilsight.worker;

import java.time.Duration;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a worker thread's open transaction. A commit that times out may still complete on the broker,
 * and aborting it then is illegal (the producer throws {@link IllegalStateException}); KafkaProducer's
 * contract is to call {@code commitTransaction} again, which this does until the transaction timeout
 * has passed, after which the broker has aborted it and the producer cannot go on.
 */
final class TransactionCommit {

    private static final Logger log = LoggerFactory.getLogger(TransactionCommit.class);

    private TransactionCommit() {
    }

    /** @throws IllegalStateException when commits kept timing out for longer than {@code retryFor} */
    static void commit(Producer<?, ?> producer, Duration retryFor, String name) {
        long deadline = System.nanoTime() + retryFor.toNanos();
        int attempt = 1;
        while (true) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(name + ": the commit kept timing out for longer than the transaction timeout ("
                            + retryFor.toMillis() + " ms); the producer cannot go on", e);
                }
                log.warn("{}: commit attempt {} timed out, asking again: {}", name, attempt++, e.getMessage());
            }
        }
    }
}
