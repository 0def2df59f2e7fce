package dev.coilsight.workerruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class BatchTransactionTest {

    private static final ConsumerGroupMetadata GROUP = new ConsumerGroupMetadata("classifier");
    private static final BatchProcessor.Result RESULT = new BatchProcessor.Result(
            List.of(new ProducerRecord<>("steel.classifications", new byte[] {1}, new byte[] {2})),
            Map.of(new TopicPartition("steel.images", 0), new OffsetAndMetadata(8)), 1, List.of(), List.of(), 1, 0.01);

    private static MockProducer<byte[], byte[]> producer() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    @Test
    void resultsAndInputOffsetsGoOutInOneCommittedTransaction() {
        MockProducer<byte[], byte[]> producer = producer();
        assertThat(new BatchTransaction("classifier-worker-0", producer, Duration.ofSeconds(60)).publish(RESULT, GROUP, 1)).isTrue();
        assertThat(producer.transactionCommitted()).isTrue();
        assertThat(producer.history()).hasSize(1);
        assertThat(producer.consumerGroupOffsetsHistory()).containsExactly(Map.of("classifier", RESULT.offsets()));
    }

    @Test
    void aTransactionTheProducerSurvivesIsAbortedAndTheBatchReadAgain() {
        MockProducer<byte[], byte[]> producer = producer();
        producer.commitTransactionException = new KafkaException("the coordinator refused the commit");
        assertThat(new BatchTransaction("classifier-worker-0", producer, Duration.ofSeconds(60)).publish(RESULT, GROUP, 1)).isFalse();
        assertThat(producer.transactionAborted()).isTrue();
        assertThat(producer.transactionCommitted()).isFalse();
    }

    @Test
    void aFencedProducerEndsTheThread() {
        MockProducer<byte[], byte[]> producer = producer();
        producer.commitTransactionException = new ProducerFencedException("another instance took the transactional id");
        assertThatThrownBy(() -> new BatchTransaction("classifier-worker-0", producer, Duration.ofSeconds(60)).publish(RESULT, GROUP, 1))
                .isInstanceOf(ProducerFencedException.class);
    }

    @Test
    void aGroupMembershipTakenByAnotherProcessEndsTheThread() {
        MockProducer<byte[], byte[]> producer = producer();
        producer.sendOffsetsToTransactionException = new FencedInstanceIdException("another process joined as classifier-0");
        assertThatThrownBy(() -> new BatchTransaction("classifier-worker-0", producer, Duration.ofSeconds(60)).publish(RESULT, GROUP, 1))
                .isInstanceOf(FencedInstanceIdException.class);
        assertThat(producer.transactionCommitted()).isFalse();
    }

    @Test
    void aFailureTheProducerCannotSurviveEndsTheThreadAlsoWhenItComesWrappedInTheProducersErrorState() {
        MockProducer<byte[], byte[]> producer = producer();
        // What KafkaProducer throws once a refused transactional id has put it in its error state.
        KafkaException errorState = new KafkaException("Cannot execute transactional method because we are in an error state",
                new TransactionalIdAuthorizationException("not authorized to use transactional id classifier-0"));
        producer.commitTransactionException = errorState;
        assertThatThrownBy(() -> new BatchTransaction("classifier-worker-0", producer, Duration.ofSeconds(60)).publish(RESULT, GROUP, 1))
                .isSameAs(errorState);
        assertThat(producer.transactionCommitted()).isFalse();
    }
}
