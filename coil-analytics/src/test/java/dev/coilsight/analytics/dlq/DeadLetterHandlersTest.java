package dev.coilsight.analytics.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class DeadLetterHandlersTest {

    /** What Streams passes for a failure in a punctuator: no source record, no topic. */
    private static final ErrorHandlerContext SCHEDULED_SCAN = new ErrorHandlerContext() {
        @Override
        public String topic() {
            return null;
        }

        @Override
        public int partition() {
            return -1;
        }

        @Override
        public long offset() {
            return -1;
        }

        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "coil-quality";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, 5);
        }

        @Override
        public long timestamp() {
            return 0;
        }

        @Override
        public byte[] sourceRawKey() {
            return null;
        }

        @Override
        public byte[] sourceRawValue() {
            return null;
        }
    };

    @Test
    void aFailureInAScheduledScanIsLoggedAndTheTaskGoesOnNothingDeadLettered() {
        DeadLetterHandlers.Processing handler = new DeadLetterHandlers.Processing();
        handler.configure(Map.of());

        ProcessingExceptionHandler.Response response = handler.handleError(SCHEDULED_SCAN, null, new IllegalStateException("a bug"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void aRecordTooLargeToWriteAgainIsDeadLetteredWithoutItsValueInsteadOfFailingTheTaskForEver() {
        DeadLetterHandlers.Deserialization handler = new DeadLetterHandlers.Deserialization();
        handler.configure(Map.of("producer.max.request.size", "1024", DeadLetterHandlers.TOPIC_CONFIG, "steel.dlq"));
        byte[] value = new byte[2048]; // no magic byte: not Confluent Avro
        value[0] = 7;
        var record = new org.apache.kafka.clients.consumer.ConsumerRecord<>("steel.images.defective", 3, 41L, "coil-1".getBytes(), value);

        var response = handler.handleError(SCHEDULED_SCAN, record, new org.apache.kafka.common.errors.SerializationException("not avro"));

        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(letter -> {
            assertThat(letter.value()).isNull();
            assertThat(new String(letter.headers().lastHeader(dev.coilsight.serviceruntime.deadletter.DeadLetters.VALUE_OMITTED).value()))
                    .isEqualTo("2048");
        });
    }
}
