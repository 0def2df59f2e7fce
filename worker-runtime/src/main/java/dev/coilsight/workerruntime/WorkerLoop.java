package dev.coilsight.workerruntime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.serviceruntime.deadletter.DeadLetters;

/**
 * One worker thread: one consumer, one transactional producer, one Predictor. Each batch is read
 * (between transactions), inferred, then its results, its dead letters and its input offsets go
 * out in one transaction ({@link BatchTransaction}; EOS v2: offsets are sent with the consumer's
 * group metadata, so a consumer that lost its partitions in a rebalance cannot commit for them).
 * When a transaction fails for a reason other than fencing, it is aborted and the batch is read
 * again from the last committed offsets. A fenced producer (another instance took this
 * transactional id) ends the thread. Between batches the thread takes up a swapped model.
 */
final class WorkerLoop<I extends SpecificRecord> implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(WorkerLoop.class);
    private static final Duration RETRY_BACKOFF_MAX = Duration.ofSeconds(5);
    /** A failing model or device is given longer between tries: it rarely recovers within seconds. */
    private static final Duration MODEL_BACKOFF_MAX = Duration.ofSeconds(60);

    private final String name;
    private final String topic;
    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final BatchCollector collector;
    private final BatchProcessor<I> processor;
    private final InFlightJournal journal;
    private final WorkerMetrics metrics;
    private final Assignment assignment;
    private final BatchTransaction transaction;
    private final CountDownLatch done = new CountDownLatch(1);
    /** Counted down by {@link #stop}: ends a back-off at once, so that a stop during a model outage is not held up to a minute. */
    private final CountDownLatch stopAsked = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile Throwable failure;
    private volatile boolean running;
    /** Batches in a row on which the model failed on a blank input too, and the last such failure. */
    private volatile int modelFailures;
    private volatile String modelFailure;
    private final ModelInUse model;

    WorkerLoop(String name, String topic, Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, int maxBatch,
               Duration maxLinger, BatchProcessor<I> processor, InFlightJournal journal, ModelManager models, WorkerMetrics metrics,
               AtomicInteger assignedTotal, Duration commitRetryFor) {
        this.name = name;
        this.topic = topic;
        this.consumer = consumer;
        this.producer = producer;
        this.collector = new BatchCollector(consumer, maxBatch, maxLinger);
        this.processor = processor;
        this.journal = journal;
        this.metrics = metrics;
        this.assignment = new Assignment(name, collector, metrics, assignedTotal);
        this.transaction = new BatchTransaction(name, producer, commitRetryFor);
        this.model = new ModelInUse(name, models, processor);
    }

    @Override
    public void run() {
        running = true;
        long backoff = 100;
        try {
            if (!TransactionsStart.start(producer, () -> stopping, this::backOff, name)) {
                log.info("{} stopped before the brokers answered", name);
                return;
            }
            consumer.subscribe(List.of(topic), assignment);
            while (!stopping) {
                model.takeUpCurrent();
                List<BatchProcessor.Polled> batch = collector.next(() -> stopping);
                if (batch.isEmpty()) {
                    continue;
                }
                if (processAndCommitInParts(batch)) {
                    backoff = 100;
                } else {
                    backOff(backoff);
                    backoff = Math.min((modelFailures > 0 ? MODEL_BACKOFF_MAX : RETRY_BACKOFF_MAX).toMillis(), backoff * 2);
                }
            }
            log.info("{} stopped after its last batch", name);
        } catch (ProducerFencedException | InvalidProducerEpochException | FencedInstanceIdException e) {
            failure = e;
            journal.abandoned();
            log.error("{}: fenced: another process took this one's identity (the same COILSIGHT_TRANSACTIONAL_ID); thread ends: {}", name,
                    e.toString());
        } catch (Exception e) {
            failure = e;
            journal.abandoned();
            log.error("{} failed", name, e);
        } catch (Throwable e) {
            // An Error (out of memory) may be the record's doing: its journal stays, as after a crash.
            failure = e;
            log.error("{} failed", name, e);
        } finally {
            closeQuietly();
            running = false;
            done.countDown();
        }
    }

    /**
     * The batch as the crash-loop breaker cuts it, one transaction per part, in order (so each partition's
     * offsets only move forward); when a part fails, it and the parts after it are read again.
     *
     * @return false when records must be read again after a pause
     */
    private boolean processAndCommitInParts(List<BatchProcessor.Polled> batch) {
        List<List<BatchProcessor.Polled>> parts = journal.parts(batch);
        for (int i = 0; i < parts.size(); i++) {
            if (!processAndCommit(parts.get(i))) {
                List<BatchProcessor.Polled> rest = new ArrayList<>();
                parts.subList(i, parts.size()).forEach(rest::addAll);
                collector.rewind(rest);
                return false;
            }
        }
        return true;
    }

    /** @return false when the batch must be read again after a pause */
    private boolean processAndCommit(List<BatchProcessor.Polled> batch) {
        Lock inFlight = journal.lockFor(batch);
        inFlight.lock();
        try {
            return processAndCommitInFlight(batch);
        } finally {
            inFlight.unlock();
        }
    }

    private boolean processAndCommitInFlight(List<BatchProcessor.Polled> batch) {
        BatchProcessor.Result result;
        try {
            boolean crashedTwice = crashedTwice(batch);
            if (!model.proven() || journal.suspect(batch)) {
                // Before the journal names a record that may be blamed, the model must work on a blank input: a model or
                // device that fails or dies on every input does so here, where the journal is left as it was.
                processor.checkModel(model.card(), model);
                model.worked(true);
            }
            journal.beforeInference(batch);
            result = crashedTwice ? deadLetterCrashed(batch) : processor.process(batch, model.card(), model);
        } catch (BatchProcessor.RetryableBatchException e) {
            log.warn("{}: batch of {} will be read again: {}", name, batch.size(), e.getMessage());
            return readAgain(batch);
        } catch (ModelProbe.ModelUnavailableException e) {
            // Not the records' fault: nothing is dead-lettered; the batch waits for the model (a swap, a device reset).
            model.worked(false);
            modelFailures++;
            modelFailure = e.getMessage() + (e.getCause() == null ? "" : "; the record's error: " + e.getCause().getMessage());
            log.warn("{}: the model failed on {} batch(es) in a row, reading the batch of {} again later: {}", name, modelFailures,
                    batch.size(), modelFailure);
            // The journal is left as it is. Where this batch broke a model proven working just before, it names the batch:
            // restarted now (its health says the model fails), the process counts a death for each record, as if it had
            // crashed on them, so that one that leaves the device failing every input is isolated and, once a fresh
            // process's model works, dead-lettered. Where the blank input before the batch failed, it names no new record.
            metrics.aborted();
            return false;
        }
        if (!transaction.publish(result, consumer.groupMetadata(), batch.size())) {
            return readAgain(batch);
        }
        journal.ended(batch, true);
        model.worked(true);
        modelFailures = 0;
        modelFailure = null;
        countCommitted(result);
        return true;
    }

    private BatchProcessor.Result deadLetterCrashed(List<BatchProcessor.Polled> batch) {
        return processor.deadLetter(batch, DeadLetters.Reason.CRASHED, new IllegalStateException("the worker process died "
                + InFlightJournal.DEATHS_TO_GIVE_UP + " times while this record was in flight (a native crash, the OOM killer or "
                + "a kill), and the model works on a blank input; it is not run again"), model.card());
    }

    /** Nothing of the batch went out: it is read again from the last committed offsets. */
    private boolean readAgain(List<BatchProcessor.Polled> batch) {
        journal.ended(batch, false);
        metrics.aborted();
        return false;
    }

    private void countCommitted(BatchProcessor.Result result) {
        long now = System.currentTimeMillis();
        metrics.committed(result.results(), result.deadLetters());
        result.deadLetterReasons().forEach(metrics::deadLetter);
        if (result.inferred() > 0) {
            metrics.batch(result.inferred(), result.inferenceSeconds());
        }
        for (long capturedAt : result.capturedAt()) {
            metrics.captureToResult((now - capturedAt) / 1000.0);
        }
    }

    /** A batch of one record that was in flight at the last deaths of this worker. */
    private boolean crashedTwice(List<BatchProcessor.Polled> batch) {
        return batch.size() == 1 && journal.deaths(batch.get(0).record()) >= InFlightJournal.DEATHS_TO_GIVE_UP;
    }

    private void closeQuietly() {
        try {
            // A static member stays in the group when it closes, unless told: a worker that stops hands its partitions over now.
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)).withGroupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP));
        } catch (RuntimeException e) {
            log.warn("{}: consumer close: {}", name, e.toString());
        }
        try {
            producer.close(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            log.warn("{}: producer close: {}", name, e.toString());
        }
        assignment.released();
        model.close();
    }

    private void backOff(long millis) {
        try {
            stopAsked.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Finish the batch in flight, commit it, then stop. */
    void stop() {
        stopping = true;
        stopAsked.countDown();
    }

    boolean await(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean alive() {
        return failure == null && (running || stopping || done.getCount() == 1);
    }

    Throwable failure() {
        return failure;
    }

    /** Batches in a row the model failed on, blank input included (0 once a batch goes through). */
    int modelFailures() {
        return modelFailures;
    }

    String modelFailure() {
        return modelFailure;
    }

    int assigned() {
        return assignment.assigned();
    }

    /** The model generation this thread's batches use now (-1 before its first batch). */
    long generationInUse() {
        return model.generation();
    }
}
