package dev.coilsight.workerruntime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class TransactionCommitTest {

    /** A producer whose first {@code timeouts} commits time out, as against a slow coordinator. */
    private static final class SlowCoordinator extends MockProducer<byte[], byte[]> {
        int timeouts;
        int commits;

        SlowCoordinator(int timeouts) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.timeouts = timeouts;
            initTransactions();
            beginTransaction();
        }

        @Override
        public void commitTransaction() {
            commits++;
            if (timeouts-- > 0) {
                throw new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(COMMIT)");
            }
            super.commitTransaction();
        }
    }

    @Test
    void aCommitThatTimesOutIsAskedAgainInsteadOfAborted() {
        SlowCoordinator producer = new SlowCoordinator(2);
        TransactionCommit.commit(producer, Duration.ofSeconds(60), "classifier-worker-0");
        assertThat(producer.commits).isEqualTo(3);
        assertThat(producer.transactionCommitted()).isTrue();
        assertThat(producer.transactionAborted()).isFalse();
    }

    @Test
    void aCommitIsAskedAgainAtLeastOnceThoughTheFirstTimeOutTookTheWholeTransactionTimeout() {
        // max.block.ms and the transaction timeout are both 60 s by default: the first time-out comes when that has passed.
        SlowCoordinator producer = new SlowCoordinator(1);
        TransactionCommit.commit(producer, Duration.ZERO, "classifier-worker-0");
        assertThat(producer.commits).isEqualTo(2);
        assertThat(producer.transactionCommitted()).isTrue();
    }

    @Test
    void commitsThatKeepTimingOutPastTheTransactionTimeoutEndTheProducer() {
        SlowCoordinator producer = new SlowCoordinator(Integer.MAX_VALUE);
        assertThatThrownBy(() -> TransactionCommit.commit(producer, Duration.ofMillis(50), "classifier-worker-0"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("kept timing out").hasCauseInstanceOf(TimeoutException.class);
        assertThat(producer.transactionCommitted()).isFalse();
    }
}
