package dev.coilsight.workerruntime;

import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a worker thread's transactions ({@code initTransactions}) however long the brokers are away. A time-out
 * ({@code max.block.ms}, 60 s by default) only says they did not answer yet, and the call may be made again; ending the
 * thread instead would end the process, and a restarted one would meet the same outage: a crash loop whose back-off
 * delays the return by minutes after the brokers are back.
 */
final class TransactionsStart {

    private static final Logger log = LoggerFactory.getLogger(TransactionsStart.class);
    static final long FIRST_PAUSE_MS = 1_000;
    static final long LONGEST_PAUSE_MS = 30_000;

    private TransactionsStart() {
    }

    /**
     * @param stopping asked between tries: a worker told to stop stops trying
     * @param pause    waits this many milliseconds (and returns early when the worker is told to stop)
     * @return true when the transactions started, false when the worker was told to stop first
     */
    static boolean start(Producer<?, ?> producer, BooleanSupplier stopping, LongConsumer pause, String name) {
        long wait = FIRST_PAUSE_MS;
        int attempt = 1;
        while (!stopping.getAsBoolean()) {
            try {
                producer.initTransactions();
                if (attempt > 1) {
                    log.info("{}: transactions started after {} attempts", name, attempt);
                }
                return true;
            } catch (TimeoutException e) {
                log.warn("{}: the brokers did not answer initTransactions (attempt {}); trying again in {} s: {}", name, attempt++,
                        wait / 1000, e.getMessage());
                pause.accept(wait);
                wait = Math.min(LONGEST_PAUSE_MS, wait * 2);
            }
        }
        return false;
    }
}
