package dev.coilsight.workerruntime;

import java.time.Duration;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker thread's produce step: one batch's results, its dead letters and its input offsets in one
 * transaction (EOS v2: offsets go with the consumer's group metadata, so a consumer that lost its
 * partitions in a rebalance cannot commit for them). A transaction that fails for a reason the
 * producer survives is aborted, so nothing of the batch is visible and it can be read again; a
 * failure the producer cannot survive (fenced, out of sequence, refused credentials), or a group membership another
 * process has taken (the same static instance id), is thrown.
 */
final class BatchTransaction {

    private static final Logger log = LoggerFactory.getLogger(BatchTransaction.class);

    private final String name;
    private final Producer<byte[], byte[]> producer;
    private final Duration commitRetryFor;

    BatchTransaction(String name, Producer<byte[], byte[]> producer, Duration commitRetryFor) {
        this.name = name;
        this.producer = producer;
        this.commitRetryFor = commitRetryFor;
    }

    /**
     * @param records how many input records the batch has, for the log
     * @return false when the transaction was aborted and the batch must be read again
     */
    boolean publish(BatchProcessor.Result result, ConsumerGroupMetadata group, int records) {
        try {
            producer.beginTransaction();
            for (ProducerRecord<byte[], byte[]> record : result.records()) {
                producer.send(record);
            }
            producer.sendOffsetsToTransaction(result.offsets(), group);
            TransactionCommit.commit(producer, commitRetryFor, name);
            return true;
        } catch (KafkaException e) {
            if (cannotGoOn(e)) {
                throw e;
            }
            // Lost the partitions in a rebalance (commit refused for an old generation), a timeout, a record
            // refused by the broker: nothing of the batch is visible; read it again.
            log.warn("{}: transaction of a batch of {} aborted, reading it again: {}", name, records, e.toString());
            abort();
            return false;
        }
    }

    private void abort() {
        try {
            producer.abortTransaction();
        } catch (KafkaException abortFailure) {
            log.warn("{}: abort failed: {}", name, abortFailure.toString());
            if (cannotGoOn(abortFailure)) {
                throw abortFailure;
            }
        }
    }

    /**
     * Whether the producer cannot go on, or another process has this one's group membership. The producer throws a
     * fenced epoch as itself, but every other failure it cannot survive wrapped, once it is in its error state
     * ("Cannot execute transactional method because we are in an error state"), so the causes count too: otherwise
     * the thread would read, infer and abort the same batch forever while its partitions stay assigned to it.
     */
    static boolean cannotGoOn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException || t instanceof OutOfOrderSequenceException
                    || t instanceof AuthorizationException || t instanceof AuthenticationException || t instanceof UnsupportedVersionException
                    || t instanceof FencedInstanceIdException) {
                return true;
            }
        }
        return false;
    }
}
