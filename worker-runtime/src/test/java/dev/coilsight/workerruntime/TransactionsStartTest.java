package dev.coilsight.workerruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class TransactionsStartTest {

    /** A producer whose first {@code timeouts} calls to initTransactions time out, as while the brokers are away. */
    private static final class BrokersAway extends MockProducer<byte[], byte[]> {
        int timeouts;
        int calls;

        BrokersAway(int timeouts) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.timeouts = timeouts;
        }

        @Override
        public void initTransactions() {
            calls++;
            if (timeouts-- > 0) {
                throw new TimeoutException("Timeout expired after 60000ms while awaiting InitProducerId");
            }
            super.initTransactions();
        }
    }

    private final List<Long> pauses = new ArrayList<>();

    @Test
    void initTransactionsIsAskedAgainWhileTheBrokersDoNotAnswerWithPausesThatGrowToAFewSeconds() {
        BrokersAway producer = new BrokersAway(7);

        assertThat(TransactionsStart.start(producer, () -> false, pauses::add, "classifier-worker-0")).isTrue();

        assertThat(producer.calls).isEqualTo(8);
        assertThat(producer.transactionInitialized()).isTrue();
        assertThat(pauses).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L);
    }

    @Test
    void aWorkerToldToStopStopsTrying() {
        BrokersAway producer = new BrokersAway(Integer.MAX_VALUE);
        int[] asked = {0};

        assertThat(TransactionsStart.start(producer, () -> asked[0]++ >= 3, pauses::add, "classifier-worker-0")).isFalse();

        assertThat(producer.calls).isEqualTo(3);
        assertThat(producer.transactionInitialized()).isFalse();
    }

    @Test
    void otherFailuresAreNotRetried() {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactionException = new KafkaException("transactional.id not authorised");

        assertThatThrownBy(() -> TransactionsStart.start(producer, () -> false, pauses::add, "classifier-worker-0"))
                .isInstanceOf(KafkaException.class).hasMessageContaining("not authorised");
        assertThat(pauses).isEmpty();
    }
}
